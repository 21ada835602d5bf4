import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSession } from '../../src/app/session/sessions.js';
import { insertPlanVersion } from '../../src/db/repositories/plans.js';
import { detections, runners, runs } from '../../src/db/schema/index.js';
import { toLocalDate } from '../../src/domain/plan/local-date.js';
import { initialPlan } from '../../src/domain/plan.js';
import type { DetectionKind } from '../../src/domain/types.js';
import { sessionCookieName, signSessionId } from '../../src/http/session/session-cookie.js';
import type { Running } from '../../src/server.js';
import { startTestApp, testEnv } from '../helpers/app.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { deleteQueueKeys, REDIS_URL } from '../helpers/queue-keys.js';
import { freePort } from '../helpers/redis-server.js';

/*
 * The weekly chart on the plan page in a real browser (Debian Chromium through playwright-core):
 * every text of the drawing, trigger letters above all, stays inside the SVG and no letter sits
 * on another text, on a 390 px phone and on a desktop. The worst cases are seeded: the tallest
 * bar is the last week and carries all four letters, the first week carries two. Screenshots of
 * the chart go to test/artifacts/plan-chart/.
 */

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARTIFACTS = path.resolve('test/artifacts/plan-chart');
const DAY = 86_400_000;
const VIEWPORTS = { phone: { width: 390, height: 844 }, desktop: { width: 1280, height: 900 } };

type Box = { x: number; y: number; width: number; height: number; text: string; marker: boolean };

describe('weekly chart in Chromium', () => {
  let database: TestDatabase;
  let app: Running;
  let publicUrl: string;
  let browser: Browser;
  let cookie: { name: string; value: string };

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM} (set CHROMIUM_PATH)`);
    mkdirSync(ARTIFACTS, { recursive: true });
    database = await createTestDatabase();
    const port = await freePort();
    publicUrl = `http://127.0.0.1:${port}`;
    app = await startTestApp(
      testEnv({
        DATABASE_URL: database.url,
        REDIS_URL,
        ROLE: 'web',
        PORT: String(port),
        PUBLIC_URL: publicUrl,
      }),
    );
    const runnerId = await seedRunner();
    const sessionId = await createSession(app.deps.db, runnerId, new Date());
    cookie = {
      name: sessionCookieName(app.deps.config),
      value: signSessionId(sessionId, app.deps.config.sessionSecret),
    };
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
  });

  afterAll(async () => {
    await browser?.close();
    await app?.stop();
    if (app) await deleteQueueKeys(app.deps.config.queuePrefix);
    await database?.drop();
  });

  /** Twelve weeks of running, the last week the biggest, with detections at both ends of the chart. */
  async function seedRunner(): Promise<string> {
    const db = app.deps.db;
    const now = Date.now();
    const [runner] = await db
      .insert(runners)
      .values({
        athleteId: '77001',
        firstname: 'Chart',
        timezone: 'UTC',
        units: 'metric',
        backfillStatus: 'done',
        connectedAt: new Date(now - 90 * DAY),
      })
      .returning({ id: runners.id });
    const runnerId = runner!.id;
    await insertPlanVersion(db, runnerId, initialPlan(new Date(now - 90 * DAY)));
    const dayOf = (ms: number) => toLocalDate(new Date(ms), 'UTC');
    const seeded = Array.from({ length: 42 }, (_, i) => {
      const start = now - (82 - i * 2) * DAY;
      const lastWeek = now - start < 7 * DAY;
      return {
        runnerId,
        activityId: String(5_000 + i),
        name: `Run ${i}`,
        sportType: 'Run',
        type: 'Run',
        startDate: new Date(start),
        timezone: 'UTC',
        localDate: dayOf(start),
        // 4 runs of 25 km: the last bar is exactly the axis maximum (100 km), the tallest it can be.
        distanceM: lastWeek ? 25_000 : 8_000,
        movingTimeS: lastWeek ? 9_000 : 2_600,
      };
    });
    await db.insert(runs).values(seeded);
    const at = (daysAgo: number, kind: DetectionKind) => ({
      runnerId,
      key: `${kind}:${daysAgo}`,
      kind,
      severity: 'moderate',
      activityId: '5000',
      localDate: dayOf(now - daysAgo * DAY),
      occurredAt: new Date(now - daysAgo * DAY),
      metrics: {},
      message: 'seeded',
      alertable: true,
    });
    const kinds: DetectionKind[] = ['session_spike', 'weekly_ramp', 'intensity_ramp', 'gear_change'];
    await db
      .insert(detections)
      .values([
        ...kinds.map((k) => at(1, k)),
        at(80, 'session_spike'),
        at(80, 'gear_change'),
        ...kinds.slice(0, 3).map((k) => at(40, k)),
      ]);
    return runnerId;
  }

  for (const [name, viewport] of Object.entries(VIEWPORTS)) {
    it(`keeps every letter inside the drawing on a ${name} (${viewport.width} px)`, async () => {
      const context = await browser.newContext({ viewport, deviceScaleFactor: 1 });
      await context.addCookies([{ ...cookie, url: publicUrl }]);
      const page = await context.newPage();
      await page.goto(`${publicUrl}/plan`);
      const chart = page.locator('svg.chart');
      await chart.scrollIntoViewIfNeeded();
      await chart.screenshot({ path: path.join(ARTIFACTS, `chart-${name}.png`) });
      const { svg, texts } = await chart.evaluate((root: unknown) => {
        // Runs in the page; the test's tsconfig has no DOM types, so only what is used is typed.
        type Rect = { x: number; y: number; width: number; height: number };
        type El = {
          getBoundingClientRect(): Rect;
          querySelectorAll(selector: string): ArrayLike<El>;
          textContent: string | null;
          classList: { contains(name: string): boolean };
        };
        const el = root as El;
        const box = (e: El) => {
          const r = e.getBoundingClientRect();
          return { x: r.x, y: r.y, width: r.width, height: r.height };
        };
        return {
          svg: box(el),
          texts: Array.from(el.querySelectorAll('text')).map((t) => ({
            ...box(t),
            text: t.textContent ?? '',
            marker: t.classList.contains('marker'),
          })),
        };
      });
      await context.close();

      const markers = texts.filter((t) => t.marker);
      // Every seeded letter is drawn: 2 in the first week, 3 in the middle one, 4 in the last.
      expect(markers.map((m) => m.text).join('').length).toBe(9);
      for (const t of texts) {
        expect(inside(t, svg), `"${t.text}" at ${JSON.stringify(t)} outside ${JSON.stringify(svg)}`).toBe(
          true,
        );
      }
      for (const m of markers) {
        for (const other of texts) {
          if (other === m) continue;
          expect(overlaps(m, other), `marker "${m.text}" overlaps "${other.text}"`).toBe(false);
        }
      }
    });
  }
});

function inside(t: Omit<Box, 'text' | 'marker'>, outer: Omit<Box, 'text' | 'marker'>): boolean {
  const slack = 0.5;
  return (
    t.x >= outer.x - slack &&
    t.y >= outer.y - slack &&
    t.x + t.width <= outer.x + outer.width + slack &&
    t.y + t.height <= outer.y + outer.height + slack
  );
}

function overlaps(a: Box, b: Box): boolean {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}

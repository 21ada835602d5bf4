import { existsSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { createSimControl, type SimControl } from '@rampguard/strava-sim';
import { and, eq } from 'drizzle-orm';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readStoredSubscription } from '../../src/app/strava-subscription.js';
import { checkIns, detections, planVersions, runners } from '../../src/db/schema/index.js';
import type { Running } from '../../src/server.js';
import { createLogger } from '../../src/shared/logger.js';
import { startTestApp, testEnv } from '../helpers/app.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { deleteQueueKeys, REDIS_URL } from '../helpers/queue-keys.js';
import { freePort } from '../helpers/redis-server.js';
import { type SinkMessage, type SmtpSink, startSmtpSink } from '../helpers/smtp-sink.js';

/*
 * The whole sandbox journey in a real browser (Debian Chromium through
 * playwright-core): one RampGuard process with ROLE=all in sandbox mode (the
 * simulator mounted under /sim, webhooks delivered to this process), a real
 * Postgres database, real Redis under a unique prefix and a real SMTP sink.
 * Screenshots of every step, phone and desktop, go to test/artifacts/.
 */

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARTIFACTS = path.resolve('test/artifacts/sandbox-journey');
const AXE_PATH = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 900 };
const DAY_MS = 86_400_000;
const HOSTILE_RUN_NAME = '<script>alert(1)</script> long run';

async function eventually<T>(
  what: string,
  check: () => Promise<T | undefined>,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) {
      const cause = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${cause}`);
    }
    await new Promise((r) => setTimeout(r, 150));
  }
}

/** Phone-size screenshot of the whole page, plus a desktop one when asked. */
async function shoot(page: Page, name: string, desktop = false): Promise<void> {
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}-phone.png`), fullPage: true });
  if (!desktop) return;
  await page.setViewportSize(DESKTOP);
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}-desktop.png`), fullPage: true });
  await page.setViewportSize(PHONE);
}

function findMail(sink: SmtpSink, match: (m: SinkMessage) => boolean): SinkMessage | undefined {
  return sink.messages.find(match);
}

function linkIn(message: SinkMessage, pathPrefix: string): string {
  const text = `${message.parsed.text ?? ''}\n${typeof message.parsed.html === 'string' ? message.parsed.html : ''}`;
  const escaped = pathPrefix.replace(/[.?]/g, '\\$&');
  const match = new RegExp(`https?://[^\\s"'<>]+${escaped}[^\\s"'<>]*`).exec(text);
  if (!match) throw new Error(`no ${pathPrefix} link in the email "${message.parsed.subject}"`);
  return match[0].replace(/&amp;/g, '&');
}

/** Eight weeks of steady history (4 runs a week, longest 12 km), all before the runner connected. */
function historyRuns(athleteId: string, now: number) {
  const pattern = [6000, 8000, 6000, 12000];
  return Array.from({ length: 8 }, (_, w) => 8 - w).flatMap((week) =>
    pattern.map((distance, i) => ({
      athleteId,
      distance,
      moving_time: Math.round((distance / 1000) * 330),
      start_date: new Date(now - (week * 7 - i * 2) * DAY_MS - 2 * 3_600_000).toISOString(),
      name: `History run ${week}.${i + 1}`,
    })),
  );
}

describe('sandbox journey in Chromium', () => {
  let database: TestDatabase;
  let sink: SmtpSink;
  let app: Running;
  let publicUrl: string;
  let sim: SimControl;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const timings: string[] = [];
  const dialogs: string[] = [];

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(
        `Chromium not found at ${CHROMIUM}: install Debian's package (apt-get install -y chromium) or set CHROMIUM_PATH. This test never downloads a browser.`,
      );
    }
    mkdirSync(ARTIFACTS, { recursive: true });
    [database, sink] = await Promise.all([createTestDatabase(), startSmtpSink()]);
    const port = await freePort();
    publicUrl = `http://127.0.0.1:${port}`;
    // No STRAVA_CLIENT_ID/SECRET: sandbox mode, the simulator is served by the app itself.
    app = await startTestApp(
      testEnv({
        DATABASE_URL: database.url,
        REDIS_URL,
        ROLE: 'all',
        PORT: String(port),
        PUBLIC_URL: publicUrl,
        SMTP_URL: sink.url,
      }),
      // E2E_LOG=debug shows the app's (and the simulator's) logs while debugging this test.
      process.env.E2E_LOG ? { logger: createLogger({ level: process.env.E2E_LOG }) } : {},
    );
    sim = createSimControl(`${publicUrl}/sim`);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
    context = await browser.newContext({ viewport: PHONE, deviceScaleFactor: 1 });
    context.setDefaultTimeout(15_000);
    page = await context.newPage();
    // A script running on any of our pages (an escaping bug) would show up as a dialog.
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
  });

  afterAll(async () => {
    if (timings.length > 0) console.info(`sandbox journey steps:\n  ${timings.join('\n  ')}`);
    await browser?.close();
    await app?.stop();
    if (app) await deleteQueueKeys(app.deps.config.queuePrefix);
    await sink?.close();
    await database?.drop();
  });

  it('connects, confirms email, gets an alert for a spike, checks in and disconnects', {
    timeout: 90_000,
  }, async () => {
    const started = Date.now();
    let last = started;
    const step = async <T>(name: string, run: () => Promise<T>): Promise<T> => {
      const result = await run();
      const now = Date.now();
      timings.push(`${name}: ${now - last} ms`);
      last = now;
      return result;
    };

    await step('sandbox webhook subscription', async () => {
      await eventually('the simulator subscription', async () =>
        (await sim.listSubscriptions()).find((s) => s.callbackUrl === `${publicUrl}/webhooks/strava`),
      );
      await eventually(
        'the stored subscription id',
        async () => (await readStoredSubscription(app.deps.db)) ?? undefined,
      );
    });

    // Ada's eight weeks of running are on Strava before she connects: the connect read finds them.
    const ada = await step('an athlete with history on the simulator', async () => {
      const created = await sim.createAthlete({ firstname: 'Ada' });
      await sim.createActivities({ activities: historyRuns(created.id, Date.now()), notify: false });
      return created;
    });

    await step('landing page', async () => {
      await page.goto(`${publicUrl}/`);
      await page.getByText('Sandbox mode: RampGuard is talking to a built-in Strava simulator').waitFor();
      expect(await page.locator('.banner a').first().getAttribute('href')).toBe('/sim/control/ui');
      expect(await page.locator('.banner a').nth(1).getAttribute('href')).toBe('/sim/mail');
      const connect = page.getByRole('link', { name: 'Connect with Strava' });
      const box = await connect.boundingBox();
      expect(box?.height).toBe(48);
      expect(await page.getByRole('img', { name: 'Powered by Strava' }).count()).toBe(1);
      await shoot(page, '01-landing', true);
      await connect.click();
    });

    const athleteId = await step('consent on the simulator', async () => {
      await page.waitForURL(/\/sim\/oauth\/authorize/);
      await page.selectOption('#athlete_id', ada.id);
      await shoot(page, '02-consent');
      await page.getByRole('button', { name: 'Authorize' }).click();
      await page.waitForURL(`${publicUrl}/onboarding`);
      return ada.id;
    });

    const runnerId = await step('onboarding: email', async () => {
      await page.getByRole('heading', { name: 'Welcome, Ada' }).waitFor();
      await shoot(page, '03-onboarding', true);
      await page.getByLabel('Email address').fill('ada@example.com');
      await page.getByRole('button', { name: 'Send confirmation link' }).click();
      await page.getByRole('heading', { name: 'Check your inbox' }).waitFor();
      await shoot(page, '04-check-inbox');
      const [row] = await app.deps.db
        .select({ id: runners.id })
        .from(runners)
        .where(eq(runners.athleteId, athleteId));
      if (!row) throw new Error('no runner row after connect');
      return row.id;
    });

    await step('verification email and confirm', async () => {
      const mail = await eventually('the verification email', async () =>
        findMail(
          sink,
          (m) => m.to.includes('ada@example.com') && /\/account\/email\/verify\?token=/.test(m.raw),
        ),
      );
      await page.goto(linkIn(mail, '/account/email/verify?token='));
      await shoot(page, '05-confirm-email');
      await page.getByRole('button', { name: 'Confirm my email' }).click();
      await page.getByRole('heading', { name: 'Email address confirmed' }).waitFor();
      await shoot(page, '06-email-confirmed');
    });

    await step('history import finished', async () => {
      await eventually('the backfill', async () => {
        const [row] = await app.deps.db
          .select({ status: runners.backfillStatus })
          .from(runners)
          .where(eq(runners.id, runnerId));
        return row?.status === 'done' ? true : undefined;
      });
    });

    const spikeId = await step('a spike run after connecting (webhook)', async () => {
      const now = Date.now();
      const spike = await sim.createActivity({
        athleteId,
        distance: 20_000,
        moving_time: 6_600,
        // Reaches Strava after the connect read: only such runs can alert.
        start_date: new Date(now).toISOString(),
        name: HOSTILE_RUN_NAME,
      });
      expect(spike.events.length).toBe(1);
      return spike.activity.id;
    });

    await step('webhook → analysis → new plan version', async () => {
      await eventually(
        'the spike detection',
        async () => {
          const [row] = await app.deps.db
            .select({ id: detections.id })
            .from(detections)
            .where(
              and(
                eq(detections.runnerId, runnerId),
                eq(detections.kind, 'session_spike'),
                eq(detections.activityId, spikeId),
              ),
            );
          const versions = await app.deps.db
            .select({ reasons: planVersions.reasons })
            .from(planVersions)
            .where(eq(planVersions.runnerId, runnerId));
          if (!row || !versions.some((v) => v.reasons.includes(row.id))) {
            const found = await app.deps.db
              .select({ kind: detections.kind, alertable: detections.alertable })
              .from(detections)
              .where(eq(detections.runnerId, runnerId));
            throw new Error(`detections ${JSON.stringify(found)}, plan versions ${JSON.stringify(versions)}`);
          }
          return row;
        },
        30_000,
      );
    });

    await step('plan page shows the change', async () => {
      await page.goto(`${publicUrl}/plan`);
      expect(await page.locator('.phase-name').textContent()).toBe('Daily');
      const why = page.locator('section[aria-labelledby="why-title"]');
      await why.getByRole('heading', { name: 'Longer run than usual' }).first().waitFor();
      expect(await why.textContent()).toContain(HOSTILE_RUN_NAME);
      const link = why.getByRole('link', { name: /View on Strava/ }).first();
      expect(await link.getAttribute('href')).toBe(`https://www.strava.com/activities/${spikeId}`);
      expect(await page.locator('svg.chart title').textContent()).toContain('last 12 weeks');
      await shoot(page, '07-plan', true);
    });

    await step('alert email at the SMTP sink', async () => {
      const alert = await eventually(
        'the alert email',
        async () =>
          findMail(sink, (m) =>
            /session_spike/.test(String(m.parsed.headers.get('x-rampguard-triggers') ?? '')),
          ),
        30_000,
      );
      expect(alert.to).toEqual(['ada@example.com']);
      expect(linkIn(alert, '/plan')).toContain(publicUrl);
    });

    await step('accessibility of /plan, / and /settings (axe-core)', async () => {
      // CSP (script-src 'self') rightly blocks injected scripts; this context alone bypasses it for axe.
      const axeContext = await browser.newContext({ viewport: DESKTOP, bypassCSP: true });
      await axeContext.addCookies(await context.cookies());
      const axePage = await axeContext.newPage();
      const minor: string[] = [];
      for (const pagePath of ['/plan', '/', '/settings']) {
        await axePage.goto(`${publicUrl}${pagePath}`);
        await axePage.addScriptTag({ path: AXE_PATH });
        const violations = await axePage.evaluate(async () => {
          type AxeResult = {
            violations: { id: string; impact: string | null; help: string; nodes: { target: unknown }[] }[];
          };
          const axe = (globalThis as unknown as { axe: { run(): Promise<AxeResult> } }).axe;
          const result = await axe.run();
          return result.violations.map((v) => ({
            id: v.id,
            impact: v.impact,
            help: v.help,
            targets: v.nodes.slice(0, 3).map((n) => JSON.stringify(n.target)),
          }));
        });
        const serious = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
        expect(serious, `${pagePath}: ${JSON.stringify(violations, null, 2)}`).toEqual([]);
        minor.push(...violations.map((v) => `${pagePath} ${v.impact} ${v.id}: ${v.help}`));
      }
      await axeContext.close();
      if (minor.length > 0) timings.push(`axe (moderate/minor): ${minor.join('; ')}`);
    });

    await step('check in from the plan page', async () => {
      await page.getByRole('button', { name: 'Knee feels fine' }).click();
      await page.waitForURL(/\/plan\?checkin=fine/);
      await page.getByText('Thanks: recorded that your knee feels fine.').waitFor();
      const rows = await app.deps.db
        .select({ feeling: checkIns.feeling, source: checkIns.source })
        .from(checkIns)
        .where(eq(checkIns.runnerId, runnerId));
      expect(rows).toEqual([{ feeling: 'fine', source: 'page' }]);
      await shoot(page, '08-checked-in');
    });

    await step('disconnect from settings', async () => {
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings' }).click();
      await page.getByRole('heading', { name: 'Settings', level: 1 }).waitFor();
      await shoot(page, '09-settings', true);
      await page.getByRole('link', { name: /Disconnect and delete my data/ }).click();
      await page.getByRole('heading', { name: 'Disconnect and delete your data?' }).waitFor();
      await shoot(page, '10-disconnect-confirm');
      await page.getByRole('button', { name: 'Yes, disconnect and delete' }).click();
      await page.waitForURL(`${publicUrl}/?disconnected=1`);
      await page.getByText('You are disconnected.').waitFor();
      await shoot(page, '11-disconnected');
      const left = await app.deps.db.select({ id: runners.id }).from(runners).where(eq(runners.id, runnerId));
      expect(left).toEqual([]);
    });

    expect(dialogs).toEqual([]);
    timings.push(`total: ${Date.now() - started} ms`);
  });
});

import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DemoResult, runDemo } from '../../src/cli/demo/run-demo.js';
import { formatDay } from '../../src/email/templates/format.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { freePort } from '../helpers/redis-server.js';

/** Collects what the demo prints (the step list and the summary). */
function collector() {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  return { stream, text: () => chunks.join('') };
}

/**
 * `npm run demo -- --exit` end to end: the whole tour (sandbox simulator,
 * OAuth, webhooks, analyses, plan, emails) against a test Postgres database
 * and the machine's Redis under the demo's own queue prefix.
 */
describe('npm run demo (sandbox tour)', () => {
  let database: TestDatabase;
  let dataDir: string;
  let result: DemoResult;
  const progress = collector();
  const out = collector();

  beforeAll(async () => {
    database = await createTestDatabase();
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'rg-demo-test-'));
    const port = await freePort();
    result = await runDemo({
      argv: ['--exit', '--port', String(port), '--data-dir', dataDir],
      env: {
        DATABASE_URL: database.url,
        REDIS_URL: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379',
        LOG_LEVEL: 'warn',
      },
      out: out.stream,
      progress: progress.stream,
    });
  }, 90_000);
  afterAll(async () => {
    await database?.drop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('When the ramp week and the new shoes arrive, then the detections are stored and the plan goes back to daily', () => {
    const kinds = result.detections.filter((d) => d.alertable).map((d) => d.kind);
    expect(kinds).toEqual(expect.arrayContaining(['weekly_ramp', 'session_spike', 'gear_change']));
    expect(result.plan).toMatchObject({ phase: 'daily', sessionsPerWeek: 7 });
    expect(progress.text()).toContain('taper (4 sessions a week');
  });

  it('When the plan is raised, then the alert email is written as an .eml file with its triggers', () => {
    expect(result.alertEmail).toBeDefined();
    const file = result.alertEmail as string;
    expect(existsSync(file)).toBe(true);
    expect(file.startsWith(path.join(dataDir, 'outbox'))).toBe(true);
    const raw = readFileSync(file, 'utf8');
    expect(raw).toMatch(/^X-RampGuard-Triggers: .*weekly_ramp/im);
    expect(raw).toContain('robin.demo@example.com');
    expect(result.emails.map((e) => `${e.template}:${e.status}`)).toEqual(
      expect.arrayContaining(['verification:sent', 'alert:sent']),
    );
  });

  it('When the tour ends with --exit, then it prints the plan history as the plan page dates it, where the email is, and no URL of the stopped server', () => {
    const summary = out.text();
    expect(summary).not.toContain(result.url);
    expect(summary).toContain('The server has stopped (--exit)');
    expect(summary).toContain(result.alertEmail as string);
    expect(result.history.length).toBeGreaterThanOrEqual(3);
    // The plan page's history lines read "<day in the runner's zone>: <Phase>, N sessions a week".
    for (const version of result.history) {
      const label = formatDay(version.since.toISOString(), result.timeZone);
      expect(summary).toContain(
        `${label}: ${version.phase[0]?.toUpperCase()}${version.phase.slice(1)}, ${version.sessionsPerWeek} sessions a week`,
      );
    }
  });
});

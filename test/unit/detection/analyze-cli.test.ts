import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../../..');

type Result = { code: number; stdout: string; stderr: string };

function analyzeCli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Result> {
  return new Promise((done) => {
    const { WINDOW_DAYS: _inherited, ...inherited } = process.env;
    execFile(
      'npx',
      ['tsx', 'src/cli/analyze.ts', ...args],
      { cwd: ROOT, timeout: 60_000, env: { ...inherited, ...env } },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        done({ code, stdout, stderr });
      },
    );
  });
}

const activity = (id: string, day: number, km: number) => ({
  id,
  name: `Run ${id}`,
  sport_type: 'Run',
  type: 'Run',
  distance: km * 1000,
  moving_time: km * 300,
  start_date: new Date(Date.UTC(2024, 0, 1 + day, 7)).toISOString(),
  timezone: '(GMT+01:00) Europe/Berlin',
});

let dir = '';

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rampguard-analyze-'));
  // Raw JSON text so the big id is a number literal, as Strava sends it.
  const runs = [activity('1', 0, 10), activity('2', 3, 10), activity('3', 40, 10)];
  const json = JSON.stringify(runs).replace(
    /\]$/,
    `,${JSON.stringify(activity('X', 45, 14.2)).replace('"X"', '18446744073709551615')}]`,
  );
  await writeFile(join(dir, 'activities.json'), json);
  await writeFile(
    join(dir, 'activities.csv'),
    [
      'Activity ID,Activity Date,Activity Name,Activity Type,Elapsed Time,Distance,Moving Time,Distance,Activity Gear',
      '11,"Jan 1, 2024, 7:00:00 AM",Easy,Run,3000,10.00,3000,10000.0,Shoe A',
      '12,"Jan 10, 2024, 7:00:00 AM",Easy,Run,3000,10.00,3000,10000.0,Shoe A',
      '13,"Feb 5, 2024, 7:00:00 AM",Long,Run,4500,15.00,4500,15000.0,Shoe A',
    ].join('\n'),
  );
  await writeFile(join(dir, 'broken.json'), '[{"id": 1, "distance": "far"}]');
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('npm run analyze', () => {
  it('prints detections from a JSON file as JSON, keeping a big id exact', async () => {
    const result = await analyzeCli([
      join(dir, 'activities.json'),
      '--json',
      '--as-of',
      '2024-03-01T00:00:00Z',
    ]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const detections = JSON.parse(result.stdout) as { key: string; activityId: string; message: string }[];
    expect(detections.map((d) => d.key)).toEqual(['session_spike:18446744073709551615']);
    expect(detections[0]?.message).toMatch(/^Your 14\.2 km run on Thu 15 Feb was 42% longer/);
  });

  it('prints a table from an activities.csv, in miles when asked', async () => {
    const result = await analyzeCli([
      join(dir, 'activities.csv'),
      '--units',
      'imperial',
      '--as-of',
      '2024-03-01',
    ]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('3 activities');
    expect(result.stdout).toContain('session_spike');
    expect(result.stdout).toContain('9.3 mi');
  });

  it('--help prints the usage and exits 0', async () => {
    const result = await analyzeCli(['--help']);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    expect(result.stdout).toContain('usage: npm run analyze -- <file> [options]');
    expect(result.stdout).toContain('--window-days');
  });

  it('reads back WINDOW_DAYS before --as-of, as the service does, and --window-days overrides it', async () => {
    const asOf = '2024-03-01T00:00:00Z';
    const run = (args: string[], env: NodeJS.ProcessEnv = {}) =>
      analyzeCli([join(dir, 'activities.json'), '--as-of', asOf, ...args], env);
    expect((await run([])).stdout).toContain('84-day window 2023-12-08T00:00:00.000Z to 2024-03-01');
    expect((await run([], { WINDOW_DAYS: '70' })).stdout).toContain('70-day window 2023-12-22');
    expect((await run(['--window-days', '60'], { WINDOW_DAYS: '70' })).stdout).toContain('60-day window');
    const tooShort = await run(['--window-days', '30']);
    expect(tooShort.code).toBe(1);
    expect(tooShort.stderr).toMatch(/--window-days: detection needs at least 60 days/);
  });

  it('shows each detection kind on the shipped examples, with whole activity ids', async () => {
    const asOf = ['--as-of', '2026-03-01T20:00:00Z'];
    const json = await analyzeCli(['examples/strava-activities.json', ...asOf]);
    const csv = await analyzeCli(['examples/activities.csv', '--timezone', 'Europe/Berlin', ...asOf]);
    for (const result of [json, csv]) {
      expect(result.code).toBe(0);
      expect(result.stdout).toContain('7 detection(s)');
      for (const kind of ['session_spike', 'weekly_ramp', 'intensity_ramp', 'gear_change', 'shoe_mileage'])
        expect(result.stdout).toContain(kind);
      // The long run's id, beyond 2^53, printed in full on one line.
      expect(result.stdout).toMatch(/│ 17000000000000067 +│/);
    }
  });

  it.each([
    {
      label: 'a missing file',
      args: () => [join(dir, 'nope.json')],
      message: /cannot read .*nope\.json \(ENOENT\)/,
    },
    {
      label: 'invalid activities',
      args: () => [join(dir, 'broken.json')],
      message: /invalid Strava activities: activity 0 field/,
    },
    {
      label: 'bad units',
      args: () => [join(dir, 'activities.json'), '--units', 'furlongs'],
      message: /--units must be metric or imperial/,
    },
    {
      label: 'a bad --as-of',
      args: () => [join(dir, 'activities.json'), '--as-of', 'soon'],
      message: /--as-of must be an ISO date/,
    },
    {
      label: 'an unknown flag',
      args: () => [join(dir, 'activities.json'), '--fast'],
      message: /Unknown option '--fast'[\s\S]*usage:/,
    },
    { label: 'no file', args: () => [], message: /usage: npm run analyze/ },
  ])('fails on $label with one clear line and exit code 1', async ({ args, message }) => {
    const result = await analyzeCli(args());
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(message);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});

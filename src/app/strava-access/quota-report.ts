import { countParkedRunners, countReadingRunners } from '../../db/repositories/strava-access.js';
import { type LedgerEntry, readCallLedger } from '../../integrations/strava/call-ledger.js';
import { type GovernorWindowView, readGovernorView } from '../../integrations/strava/rate-governor.js';
import type { AppDeps } from '../deps.js';

/** Strava's default read limits, until a Strava answer reports the app's own. */
const DEFAULT_DAILY_READ_LIMIT = 1_000;
/** Kept from everyone (the governor's reserve) and from background work (the interactive share). */
const RESERVE = 0.05;
const INTERACTIVE_SHARE_DAILY = 0.05;
/** One-off or operator calls: not part of what a runner costs per day. */
const NOT_RECURRING = new Set(['backfill', 'subscription', 'oauth']);

export type QuotaReport = {
  at: Date;
  governor: GovernorWindowView[];
  /** Strava calls in the last 24 hours (by UTC hour), by purpose and outcome; `since`: first hour with any. */
  calls: { entries: LedgerEntry[]; since: Date | null };
  parked: { reason: string; runners: number }[];
  /** Connected and not parked: the runners whose analyses spend the budget. */
  reading: number;
  runnersPerDay: {
    dailyReadLimit: number;
    limitKnown: boolean;
    /** What background work may spend in a day: the limit less the reserve and the interactive share. */
    usableDaily: number;
    /** Recurring calls per reading runner over the last 24 hours; null without data. */
    callsPerRunnerDay: number | null;
    /** Runners whose daily analyses fit the usable daily budget at that cost; null without data. */
    runners: number | null;
  };
};

/** Everything `npm run strava -- quota` prints (docs/strava-quota.md#accounting). */
export async function readQuotaReport(
  deps: Pick<AppDeps, 'db' | 'redis' | 'config' | 'clock'>,
): Promise<QuotaReport> {
  const at = deps.clock.now();
  const prefix = deps.config.queuePrefix;
  const [governor, calls, parkedRows, readingRunners] = await Promise.all([
    readGovernorView(deps.redis, prefix, at),
    readCallLedger(deps.redis, prefix, at),
    countParkedRunners(deps.db),
    countReadingRunners(deps.db),
  ]);
  const readDaily = governor.find((w) => w.family === 'read' && w.window === 'daily')?.limit ?? null;
  const dailyReadLimit = readDaily ?? DEFAULT_DAILY_READ_LIMIT;
  // As the governor counts it: the limit less its reserve and the interactive share, each rounded up.
  const usableDaily =
    dailyReadLimit -
    Math.ceil(dailyReadLimit * RESERVE) -
    Math.ceil(dailyReadLimit * INTERACTIVE_SHARE_DAILY);
  const recurring = calls.entries
    .filter((e) => !NOT_RECURRING.has(e.purpose))
    .reduce((a, e) => a + e.calls, 0);
  const callsPerRunnerDay = readingRunners > 0 && recurring > 0 ? recurring / readingRunners : null;
  return {
    at,
    governor,
    calls,
    parked: parkedRows.map((r) => ({ reason: String(r.reason), runners: Number(r.runners) })),
    reading: readingRunners,
    runnersPerDay: {
      dailyReadLimit,
      limitKnown: readDaily !== null,
      usableDaily,
      callsPerRunnerDay,
      runners: callsPerRunnerDay === null ? null : Math.floor(usableDaily / callsPerRunnerDay),
    },
  };
}

export function formatQuotaReport(report: QuotaReport): string {
  const lines = [
    `Strava quota at ${report.at.toISOString()}`,
    '',
    'Rate governor (this app, every process):',
  ];
  for (const w of report.governor) {
    const limit = w.limit === null ? 'limit not reported yet' : `limit ${w.limit}`;
    lines.push(
      `  ${w.family.padEnd(7)} ${w.window.padEnd(5)}  ${String(w.usage).padStart(6)} used, ${limit}, resets ${w.resetsAt.toISOString()}`,
    );
  }
  const since = report.calls.since ? ` (counted since ${report.calls.since.toISOString()})` : '';
  lines.push('', `Strava calls in the last 24 hours by purpose and outcome${since}:`);
  if (report.calls.entries.length === 0) lines.push('  none');
  const byPurpose = new Map<string, LedgerEntry[]>();
  for (const e of report.calls.entries) byPurpose.set(e.purpose, [...(byPurpose.get(e.purpose) ?? []), e]);
  for (const [purpose, entries] of byPurpose) {
    const total = entries.reduce((a, e) => a + e.calls, 0);
    lines.push(
      `  ${purpose.padEnd(15)} ${String(total).padStart(6)}  (${entries.map((e) => `${e.outcome} ${e.calls}`).join(', ')})`,
    );
  }
  lines.push('', 'Runners parked (no Strava call until they reconnect):');
  if (report.parked.length === 0) lines.push('  none');
  for (const p of report.parked) lines.push(`  ${p.reason.padEnd(24)} ${p.runners}`);
  const r = report.runnersPerDay;
  lines.push(
    '',
    `Runners reading from Strava: ${report.reading}`,
    `Daily read limit: ${r.dailyReadLimit}${r.limitKnown ? '' : " (Strava's default: no answer has reported the app's own yet)"}; background work may use ${r.usableDaily} (5% reserve, 5% kept for connects)`,
    r.runners === null || r.callsPerRunnerDay === null
      ? 'Runners served per day: not known yet (needs calls and reading runners in the last 24 hours)'
      : `Runners served per day at the current limits: ${r.runners} (at ${r.callsPerRunnerDay.toFixed(2)} recurring calls per reading runner in the last 24 hours)`,
  );
  return lines.join('\n');
}

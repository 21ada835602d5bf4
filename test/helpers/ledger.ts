import type { EventRecord } from '@rampguard/strava-sim';
import { sql } from 'drizzle-orm';
import { eventKeyOf } from '../../src/app/webhook/event-key.js';
import { selectRows } from '../../src/db/client.js';
import { RUN_SPORT_TYPES } from '../../src/domain/runs.js';
import type { FaultHarness } from './fault-harness.js';

/**
 * The ledger of docs/reliability-rules.md#the-ledger: what the generator sent and which keys were
 * answered 2xx, checked after draining against Postgres, the simulator's final state and the
 * SMTP sink.
 *
 * - I1: every key answered 2xx has an inbox row;
 * - I2: every inbox row is terminal, `dead` only for injected permanent faults;
 * - I3: every acked event applied exactly once: stored runs equal the simulator's final state,
 *   no detection key twice per runner, plan versions 1..n without gaps or repeats;
 * - I4: sink messages = outbox rows marked sent, Message-IDs distinct (but for the allowed
 *   crash-after-250 duplicates, which carry the same Message-ID), at most one alert per runner
 *   in 24 h and never two for one plan version;
 * - I5: keys never acked are missing or terminal, never half-applied.
 */
export type LedgerNumbers = {
  /** Deliveries the producer made (originals and Strava-style duplicates). */
  eventsSent: number;
  /** Distinct event keys among them. */
  keys: number;
  /** Keys answered 2xx at least once. */
  acked: number;
  /** HTTP answers by status over all attempts (0: no answer in time). */
  statuses: Record<string, number>;
  /** Acked keys whose inbox row is terminal (`done`/`skipped`). */
  applied: number;
  inboxRows: number;
  dead: number;
  runsStored: number;
  runsExpected: number;
  detections: number;
  planVersions: number;
  emailsSent: number;
  sinkMessages: number;
  /** Sink messages beyond the first per Message-ID. */
  duplicates: number;
};

export type LedgerOptions = {
  /** Inbox rows allowed to end `dead` (injected permanent faults only). */
  allowedDead?: number;
  /** Duplicate deliveries allowed (one per injected crash between SMTP 250 and the stamp). */
  allowedDuplicates?: number;
};

export type Ledger = { numbers: LedgerNumbers; problems: string[] };

function keyOf(record: EventRecord): string {
  const e = record.event;
  return eventKeyOf({
    objectType: e.object_type,
    objectId: e.object_id,
    aspectType: e.aspect_type,
    ownerId: e.owner_id,
    subscriptionId: e.subscription_id,
    eventTime: e.event_time,
    updates: e.updates,
  });
}

const isAck = (status: number | null) => status !== null && status >= 200 && status < 300;

export async function checkLedger(h: FaultHarness, options: LedgerOptions = {}): Promise<Ledger> {
  const problems: string[] = [];
  const db = h.database.db;

  // What the generator (the simulator's producer) sent and what it was told.
  const records = h.sim.simulator.state.events.filter((r) => r.event.object_type === 'activity');
  const statuses: Record<string, number> = {};
  const ackedKeys = new Set<string>();
  const allKeys = new Set<string>();
  for (const record of records) {
    const key = keyOf(record);
    allKeys.add(key);
    for (const attempt of record.attempts) {
      const label = String(attempt.status ?? 0);
      statuses[label] = (statuses[label] ?? 0) + 1;
      if (isAck(attempt.status)) ackedKeys.add(key);
    }
    if (record.status === 'pending') problems.push(`event ${record.id} still pending at the producer`);
  }

  // I1 + I2 (+ I5).
  const inbox = await selectRows<{ event_key: string; status: string }>(
    db,
    sql`select event_key, status from webhook_inbox`,
  );
  const inboxByKey = new Map(inbox.map((r) => [r.event_key, r.status]));
  let applied = 0;
  for (const key of ackedKeys) {
    const status = inboxByKey.get(key);
    if (status === undefined) problems.push(`I1: acked ${key} has no inbox row`);
    else if (status === 'done' || status === 'skipped') applied++;
  }
  const dead = inbox.filter((r) => r.status === 'dead').length;
  const unfinished = inbox.filter(
    (r) => r.status !== 'done' && r.status !== 'skipped' && r.status !== 'dead',
  );
  if (unfinished.length > 0) problems.push(`I2: ${unfinished.length} inbox rows not terminal`);
  if (dead > (options.allowedDead ?? 0)) problems.push(`I2: ${dead} inbox rows dead`);
  for (const row of inbox) {
    if (!allKeys.has(row.event_key)) problems.push(`inbox row ${row.event_key} matches no sent event`);
  }

  // I3: runs equal the simulator's final truth, per runner (ids and distances).
  const stored = await selectRows<{ athlete_id: string; activity_id: string; distance_m: number }>(
    db,
    sql`select r.athlete_id, x.activity_id, x.distance_m from runs x join runners r on r.id = x.runner_id`,
  );
  const windowStart = Date.now() - h.app.deps.config.windowDays * 86_400_000;
  let runsExpected = 0;
  for (const runner of h.runners) {
    const expected = [...h.sim.simulator.state.activities.values()]
      .filter(
        (a) =>
          a.athlete_id === runner.athleteId &&
          (RUN_SPORT_TYPES.has(a.sport_type) || a.type === 'Run') &&
          a.distance > 0 &&
          Date.parse(a.start_date) > windowStart,
      )
      .map((a) => `${a.id}:${a.distance}`)
      .sort();
    const actual = stored
      .filter((s) => s.athlete_id === runner.athleteId)
      .map((s) => `${s.activity_id}:${s.distance_m}`)
      .sort();
    runsExpected += expected.length;
    const missing = expected.filter((e) => !actual.includes(e));
    const extra = actual.filter((a) => !expected.includes(a));
    if (missing.length > 0 || extra.length > 0) {
      problems.push(
        `I3: runner ${runner.index} runs differ from Strava: missing ${missing.join(',') || '-'}; extra ${extra.join(',') || '-'}`,
      );
    }
  }

  // I3: no effect twice.
  const dupDetections = await selectRows<{ runner_id: string; key: string; n: number }>(
    db,
    sql`select runner_id, key, count(*)::int as n from detections group by runner_id, key having count(*) > 1`,
  );
  for (const d of dupDetections) problems.push(`I3: detection ${d.key} stored ${d.n} times`);
  const plans = await selectRows<{ runner_id: string; versions: number[] }>(
    db,
    sql`select runner_id, array_agg(version order by version) as versions from plan_versions group by runner_id`,
  );
  for (const p of plans) {
    const ok = p.versions.every((v, i) => v === i + 1);
    if (!ok) problems.push(`I3: plan versions of ${p.runner_id} are ${p.versions.join(',')}`);
  }
  const [counts] = await selectRows<{ detections: number; plans: number }>(
    db,
    sql`select (select count(*)::int from detections) as detections, (select count(*)::int from plan_versions) as plans`,
  );

  // I4: the sink against the outbox.
  const outbox = await selectRows<{
    id: string;
    runner_id: string;
    template: string;
    status: string;
    message_id: string | null;
    dedupe_key: string;
  }>(db, sql`select id::text, runner_id, template, status, message_id, dedupe_key from email_outbox`);
  const sent = outbox.filter((o) => o.status === 'sent');
  const sentByMessageId = new Map(sent.map((o) => [o.message_id ?? '', o]));
  const sinkCounts = new Map<string, number>();
  for (const m of h.sink.messages) sinkCounts.set(m.messageId, (sinkCounts.get(m.messageId) ?? 0) + 1);
  let duplicates = 0;
  for (const [messageId, n] of sinkCounts) {
    duplicates += n - 1;
    if (!sentByMessageId.has(messageId))
      problems.push(`I4: sink message ${messageId} is not a sent outbox row`);
  }
  for (const row of sent) {
    if (!row.message_id || !sinkCounts.has(row.message_id)) {
      problems.push(`I4: outbox ${row.id} marked sent but never reached the sink`);
    }
  }
  if (duplicates > (options.allowedDuplicates ?? 0)) problems.push(`I4: ${duplicates} duplicate deliveries`);
  const alertsByRunner = new Map<string, number>();
  for (const row of sent.filter((o) => o.template === 'alert')) {
    alertsByRunner.set(row.runner_id, (alertsByRunner.get(row.runner_id) ?? 0) + 1);
  }
  for (const [runnerId, n] of alertsByRunner) {
    if (n > 1) problems.push(`I4: runner ${runnerId} got ${n} alerts within 24 h`);
  }

  return {
    numbers: {
      eventsSent: records.length,
      keys: allKeys.size,
      acked: ackedKeys.size,
      statuses,
      applied,
      inboxRows: inbox.length,
      dead,
      runsStored: stored.length,
      runsExpected,
      detections: counts?.detections ?? 0,
      planVersions: counts?.plans ?? 0,
      emailsSent: sent.length,
      sinkMessages: h.sink.messages.length,
      duplicates,
    },
    problems,
  };
}

/** One line for the test output: the numbers a reader of the run wants. */
export function formatLedger(scenario: string, ledger: Ledger, extra: Record<string, unknown> = {}): string {
  return `[ledger] ${scenario}: ${JSON.stringify({ ...ledger.numbers, ...extra })}`;
}

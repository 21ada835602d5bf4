import { Agent, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runners, webhookInbox } from '../../src/db/schema/index.js';
import { createApp } from '../../src/http/app.js';
import { createStravaWebhookRouter } from '../../src/http/strava-webhook/route.js';
import type { Running } from '../../src/server.js';
import { startTestApp, testEnv } from '../helpers/app.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';

const ATHLETE = '424242';
const SUBSCRIPTION = 120475;
const ALLOWED = new Set([200, 400, 413, 415]);

type Case = {
  kind: 'random-json' | 'wrong-type' | 'bytes' | 'oversized' | 'content-type' | 'valid';
  contentType: string;
  payload: string | Buffer;
  /** Exact status when the case is known; otherwise any allowed status. */
  expected?: number;
};

let eventTime = 1_600_000_000;
const validWire = () => ({
  aspect_type: 'create',
  event_time: eventTime++,
  object_id: 1,
  object_type: 'activity',
  owner_id: Number(ATHLETE),
  subscription_id: SUBSCRIPTION,
  updates: {},
});

const notPositiveInteger = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.double().filter((n) => !(Number.isInteger(n) && n > 0)),
  fc.integer({ max: 0 }),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.nat(), { maxLength: 3 }),
  fc.object({ maxDepth: 1 }),
);
const notEnum = (allowed: string[]) =>
  fc.oneof(
    fc.string({ maxLength: 10 }).filter((s) => !allowed.includes(s)),
    fc.integer(),
    fc.boolean(),
    fc.constant(null),
  );
const badUpdates = fc.oneof(
  fc.string(),
  fc.integer(),
  fc.boolean(),
  fc.array(fc.string(), { maxLength: 3 }),
  // at least one non-string value
  fc
    .tuple(
      fc.stringMatching(/^[a-z]{1,8}$/),
      fc.oneof(fc.integer(), fc.boolean(), fc.constant(null), fc.object({ maxDepth: 1 })),
    )
    .map(([k, v]) => ({ [k]: v })),
  fc
    .dictionary(fc.stringMatching(/^[a-z]{3,8}$/), fc.string({ maxLength: 4 }), { minKeys: 11, maxKeys: 14 })
    .filter((d) => Object.keys(d).length > 10),
  fc.constantFrom({ 'Bad-Key': 'x' }, { '': 'x' }, { _x: 'y' }, { '1a': 'b' }),
);
const wrongField = fc.oneof(
  fc.record({ field: fc.constant('object_type'), value: notEnum(['activity', 'athlete']) }),
  fc.record({ field: fc.constant('aspect_type'), value: notEnum(['create', 'update', 'delete']) }),
  fc.record({
    field: fc.constantFrom('object_id', 'owner_id', 'subscription_id', 'event_time'),
    value: notPositiveInteger,
  }),
  fc.record({
    field: fc.constant('event_time'),
    value: fc.double({ min: 253_402_300_800, max: 1e300, noNaN: true }).map(Math.floor),
  }),
  fc.record({ field: fc.constant('updates'), value: badUpdates }),
  fc.record({
    field: fc.constantFrom(
      'object_type',
      'aspect_type',
      'object_id',
      'owner_id',
      'subscription_id',
      'event_time',
    ),
    value: fc.constant(undefined),
  }),
);

const cases: fc.Arbitrary<Case> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.jsonValue().map((v) => ({
      kind: 'random-json' as const,
      contentType: 'application/json',
      payload: JSON.stringify(v) ?? 'null',
    })),
  },
  {
    weight: 4,
    arbitrary: wrongField.map(({ field, value }) => ({
      kind: 'wrong-type' as const,
      contentType: 'application/json',
      payload: JSON.stringify({ ...validWire(), [field]: value }),
      expected: 400,
    })),
  },
  {
    // Ids beyond int64 (JSON numbers, digit for digit): not Strava ids.
    weight: 1,
    arbitrary: fc
      .tuple(
        fc.constantFrom('object_id', 'owner_id', 'subscription_id'),
        fc.bigInt({ min: 2n ** 63n, max: 10n ** 30n }),
      )
      .map(([field, id]) => ({
        kind: 'wrong-type' as const,
        contentType: 'application/json',
        payload: JSON.stringify(validWire()).replace(new RegExp(`"${field}":\\d+`), `"${field}":${id}`),
        expected: 400,
      })),
  },
  {
    weight: 2,
    arbitrary: fc.uint8Array({ maxLength: 10_000 }).map((bytes) => ({
      kind: 'bytes' as const,
      contentType: 'application/json',
      payload: Buffer.from(bytes),
    })),
  },
  {
    weight: 1,
    arbitrary: fc.uint8Array({ minLength: 8_193, maxLength: 12_000 }).map((bytes) => ({
      kind: 'oversized' as const,
      contentType: 'application/json',
      payload: Buffer.from(bytes),
      expected: 413,
    })),
  },
  {
    weight: 1,
    arbitrary: fc
      .tuple(
        fc.constantFrom(
          'text/plain',
          'application/xml',
          'application/x-www-form-urlencoded',
          'multipart/form-data; boundary=x',
          'application/json-seq',
        ),
        fc.string(),
      )
      .map(([contentType, s]) => ({
        kind: 'content-type' as const,
        contentType,
        payload: s || 'x',
        expected: 415,
      })),
  },
);

/**
 * Webhook fuzzing (docs/webhooks.md#input-limits): random JSON, events with one field
 * of the wrong type, random bytes and wrong content types. The answer is
 * always one of 200/400/413/415 (never a 5xx), and invalid input never leaves
 * a row or a job. Valid events for a known runner, mixed in, prove the
 * endpoint still accepts what it should.
 */
describe('webhook fuzzing', () => {
  let database: TestDatabase;
  let app: Running;
  let server: Server;
  let url: string;

  beforeAll(async () => {
    database = await createTestDatabase();
    await database.db.insert(runners).values({ athleteId: ATHLETE });
    app = await startTestApp(
      testEnv({ DATABASE_URL: database.url, ROLE: 'web', STRAVA_SUBSCRIPTION_ID: String(SUBSCRIPTION) }),
    );
    // One listening server, reused for every request; the per-ip limit is lifted for the run.
    server = createApp(app.deps, [
      {
        path: '/webhooks/strava',
        router: createStravaWebhookRouter(app.deps, { requestsPerMinute: 1_000_000 }),
      },
    ]).listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server?.close(resolve));
    await app?.deps.queues.events.obliterate({ force: true }).catch(() => undefined);
    await app?.stop();
    await database?.drop();
  });

  it('answers 2,000 hostile bodies with 200/400/413/415 only, and records nothing invalid', async () => {
    const statuses = new Map<string, number>();
    const validIds: string[] = [];
    let sent = 0;
    // Reused connections: the run measures the endpoint, not TCP handshakes on a busy machine.
    const keepAlive = new Agent({ keepAlive: true, maxSockets: 20 });
    const send = async (c: Case, bigId: bigint) => {
      sent++;
      // Every 100th request, a valid event with an id up to int64, mostly beyond 2^53: it must be recorded exactly.
      const control = sent % 100 === 0;
      const wire = control
        ? JSON.stringify(validWire()).replace('"object_id":1,', `"object_id":${bigId},`)
        : undefined;
      const res = await request(url)
        .post('/webhooks/strava')
        .agent(keepAlive)
        .set('Content-Type', control ? 'application/json' : c.contentType)
        .send(wire ?? c.payload);
      const label = `${control ? 'valid' : c.kind}:${res.status}`;
      statuses.set(label, (statuses.get(label) ?? 0) + 1);
      if (control) {
        expect(res.status).toBe(200);
        validIds.push(String(bigId));
        return;
      }
      expect(ALLOWED.has(res.status)).toBe(true);
      if (c.expected !== undefined) expect(res.status).toBe(c.expected);
      if (res.status !== 200)
        expect(res.body.error).toEqual({ code: expect.any(String), message: expect.any(String) });
    };
    // 100 runs of 20 concurrent bodies: 2,000 in all, fast enough on two busy cores, still shrinkable.
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(cases, fc.bigInt({ min: 1n, max: 2n ** 63n - 1n })), {
          minLength: 20,
          maxLength: 20,
        }),
        async (batch) => {
          await Promise.all(batch.map(([c, bigId]) => send(c, bigId)));
        },
      ),
      { numRuns: 100 },
    );
    expect(sent).toBe(2_000);
    keepAlive.destroy();

    const rows = await database.db.select().from(webhookInbox);
    expect(rows.map((r) => r.objectId).sort()).toEqual([...validIds].sort());
    await app.deps.jobs.flushEventHandOffs();
    expect(await app.deps.queues.events.count()).toBe(validIds.length);
    // The mix really covered every kind of input (the counts are printed for the curious).
    const kinds = new Set([...statuses.keys()].map((k) => k.split(':')[0]));
    expect(kinds).toEqual(
      new Set(['random-json', 'wrong-type', 'bytes', 'oversized', 'content-type', 'valid']),
    );
    console.info('fuzz outcomes', Object.fromEntries([...statuses].sort()));
    // About 10 s on an idle two-core machine; the margin is for a busy one.
  }, 90_000);
});

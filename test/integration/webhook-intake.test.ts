import { once } from 'node:events';
import { connect } from 'node:net';
import { eq } from 'drizzle-orm';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventKeyOf } from '../../src/app/webhook/event-key.js';
import type { StravaEvent } from '../../src/app/webhook/strava-event.js';
import { runners, webhookInbox } from '../../src/db/schema/index.js';
import { createApp } from '../../src/http/app.js';
import { createStravaWebhookRouter } from '../../src/http/strava-webhook/route.js';
import { scopedJobId } from '../../src/jobs/job-ids.js';
import type { Running } from '../../src/server.js';
import { startTestApp, testEnv } from '../helpers/app.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';

const SUBSCRIPTION = '120475';
const ATHLETE = '134815';
const BIG_ATHLETE = '9223372036854775807';

type Body = Record<string, unknown>;

/** A wire body as Strava sends it; `event_time` varies so each call is a new event unless pinned. */
let clock = 1_700_000_000;
function body(overrides: Body = {}): Body {
  return {
    aspect_type: 'create',
    event_time: clock++,
    object_id: 1360128428,
    object_type: 'activity',
    owner_id: Number(ATHLETE),
    subscription_id: Number(SUBSCRIPTION),
    updates: {},
    ...overrides,
  };
}

/** The event the app derives from a wire body with safe-integer ids. */
function eventOf(b: Body): StravaEvent {
  return {
    objectType: b.object_type as StravaEvent['objectType'],
    objectId: String(b.object_id),
    aspectType: b.aspect_type as StravaEvent['aspectType'],
    ownerId: String(b.owner_id),
    subscriptionId: String(b.subscription_id),
    eventTime: b.event_time as number,
    updates: (b.updates ?? {}) as Record<string, string>,
  };
}

describe('POST /webhooks/strava intake (web role, real Postgres and Redis)', () => {
  let database: TestDatabase;
  let app: Running;
  let runnerId: string;

  /** The answer, once the hand-off behind it has reached Redis: a job read right after it is there. */
  const post = async (payload: Body | string, type = 'application/json') => {
    const res = await request(app.url)
      .post('/webhooks/strava')
      .set('Content-Type', type)
      .send(typeof payload === 'string' ? payload : JSON.stringify(payload));
    await app.deps.jobs.flushEventHandOffs();
    return res;
  };
  const postOk = async (payload: Body | string) => expect((await post(payload)).status).toBe(200);
  const metric = async (outcome: string) =>
    (await app.deps.metrics.webhookEvents.get()).values.find((v) => v.labels.outcome === outcome)?.value ?? 0;
  const inboxRow = async (key: string) =>
    (await database.db.select().from(webhookInbox).where(eq(webhookInbox.eventKey, key)))[0];
  const inboxCount = async () =>
    (await database.db.select({ id: webhookInbox.id }).from(webhookInbox)).length;

  beforeAll(async () => {
    database = await createTestDatabase();
    app = await startTestApp(
      testEnv({ DATABASE_URL: database.url, ROLE: 'web', STRAVA_SUBSCRIPTION_ID: SUBSCRIPTION }),
    );
    const [runner] = await database.db.insert(runners).values({ athleteId: ATHLETE }).returning();
    runnerId = runner!.id;
    await database.db.insert(runners).values({ athleteId: BIG_ATHLETE });
  });
  afterAll(async () => {
    await app?.deps.queues.events.obliterate({ force: true }).catch(() => undefined);
    await app?.stop();
    await database?.drop();
  });

  describe('handshake', () => {
    const cases: [string, Record<string, string>, number][] = [
      [
        'right token',
        { 'hub.mode': 'subscribe', 'hub.verify_token': 'test-verify-token', 'hub.challenge': 'c0ffee' },
        200,
      ],
      [
        'wrong token',
        { 'hub.mode': 'subscribe', 'hub.verify_token': 'test-verify-tokeN', 'hub.challenge': 'c0ffee' },
        403,
      ],
      [
        'token prefix',
        { 'hub.mode': 'subscribe', 'hub.verify_token': 'test-verify', 'hub.challenge': 'c0ffee' },
        403,
      ],
      [
        'wrong mode',
        { 'hub.mode': 'unsubscribe', 'hub.verify_token': 'test-verify-token', 'hub.challenge': 'c0ffee' },
        403,
      ],
      ['missing mode', { 'hub.verify_token': 'test-verify-token', 'hub.challenge': 'c0ffee' }, 403],
      ['missing token', { 'hub.mode': 'subscribe', 'hub.challenge': 'c0ffee' }, 403],
      ['missing challenge', { 'hub.mode': 'subscribe', 'hub.verify_token': 'test-verify-token' }, 403],
      [
        'empty challenge',
        { 'hub.mode': 'subscribe', 'hub.verify_token': 'test-verify-token', 'hub.challenge': '' },
        403,
      ],
      ['no query', {}, 403],
    ];
    it.each(cases)('%s → %i', async (_name, query, status) => {
      const res = await request(app.url).get('/webhooks/strava').query(query).redirects(0);
      expect(res.status).toBe(status);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      if (status === 200) expect(res.body).toEqual({ 'hub.challenge': 'c0ffee' });
      else expect(res.body.error.code).toBe('forbidden');
    });

    it('echoes the challenge exactly, as JSON, and rejects a repeated token parameter', async () => {
      const challenge = '15f7d1a91c1f40f8a748fd134752feb3';
      const res = await request(app.url).get(
        `/webhooks/strava?hub.mode=subscribe&hub.verify_token=test-verify-token&hub.challenge=${challenge}`,
      );
      expect(res.status).toBe(200);
      expect(res.text).toBe(`{"hub.challenge":"${challenge}"}`);
      await request(app.url)
        .get(
          '/webhooks/strava?hub.mode=subscribe&hub.verify_token=x&hub.verify_token=test-verify-token&hub.challenge=a',
        )
        .expect(403);
    });
  });

  describe('each event kind becomes an inbox row and a job', () => {
    const kinds: [string, Body][] = [
      ['activity create', { aspect_type: 'create', updates: {} }],
      ['activity title update', { aspect_type: 'update', updates: { title: 'Messy' } }],
      ['activity type update', { aspect_type: 'update', updates: { type: 'Run' } }],
      ['activity private update', { aspect_type: 'update', updates: { private: 'true' } }],
      ['activity delete without updates', { aspect_type: 'delete', updates: undefined }],
      [
        'athlete deauthorization',
        {
          object_type: 'athlete',
          aspect_type: 'update',
          object_id: Number(ATHLETE),
          updates: { authorized: 'false' },
        },
      ],
    ];
    it.each(kinds)('%s', async (_name, overrides) => {
      const b = body(overrides);
      const accepted = await metric('accepted');
      const res = await post(b);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ status: 'ok' });
      const key = eventKeyOf(eventOf(b));
      const row = await inboxRow(key);
      expect(row).toMatchObject({
        runnerId,
        objectType: b.object_type,
        objectId: String(b.object_id),
        aspectType: b.aspect_type,
        ownerId: ATHLETE,
        subscriptionId: SUBSCRIPTION,
        updates: b.updates ?? {},
        status: 'received',
        attempts: 0,
      });
      expect(row!.eventTime.getTime()).toBe((b.event_time as number) * 1000);
      const job = await app.deps.queues.events.getJob(scopedJobId(app.deps.database, key));
      expect(job?.name).toBe('process-strava-event');
      expect(job?.data).toEqual({ eventKey: key });
      expect(await metric('accepted')).toBe(accepted + 1);
    });
  });

  it('refuses ids beyond int64 with 400 and writes no row', async () => {
    const before = await inboxCount();
    const beyond = '9223372036854775808';
    for (const field of ['object_id', 'owner_id', 'subscription_id']) {
      for (const id of [beyond, '18446744073709551615', '99999999999999999999']) {
        const raw = JSON.stringify(body()).replace(new RegExp(`"${field}":\\d+`), `"${field}":${id}`);
        expect(raw).toContain(`"${field}":${id}`);
        const res = await post(raw);
        expect(res.status).toBe(400);
        expect(res.body.error.message).toContain(field);
      }
    }
    expect(await inboxCount()).toBe(before);
  });

  it('stores ids up to int64 and beyond 2^53 digit for digit', async () => {
    const objectId = '9223372036854775807';
    const raw = `{"aspect_type":"create","event_time":1700000001,"object_id":${objectId},"object_type":"activity","owner_id":${BIG_ATHLETE},"subscription_id":${SUBSCRIPTION},"updates":{}}`;
    await postOk(raw);
    const rows = await database.db.select().from(webhookInbox).where(eq(webhookInbox.objectId, objectId));
    expect(rows).toHaveLength(1);
    expect(rows[0]!.ownerId).toBe(BIG_ATHLETE);
    expect(
      await app.deps.queues.events.getJob(scopedJobId(app.deps.database, rows[0]!.eventKey)),
    ).toBeDefined();
  });

  it('records the same event posted three times concurrently once, with one job', async () => {
    const b = body();
    const responses = await Promise.all([post(b), post(b), post(b)]);
    expect(responses.map((r) => r.status)).toEqual([200, 200, 200]);
    const key = eventKeyOf(eventOf(b));
    const rows = await database.db.select().from(webhookInbox).where(eq(webhookInbox.eventKey, key));
    expect(rows).toHaveLength(1);
    const jobs = await app.deps.queues.events.getJobs(['waiting', 'delayed', 'active', 'prioritized']);
    expect(jobs.filter((j) => j.id === scopedJobId(app.deps.database, key))).toHaveLength(1);
  });

  it('records a concurrent burst sharing statements (group commit): each 200 has its row, repeats collapse', async () => {
    const accepted = await metric('accepted');
    const events = Array.from({ length: 20 }, (_, i) => body({ object_id: 7_000_000 + i }));
    const strangers = Array.from({ length: 10 }, () => body({ owner_id: 424242 }));
    // 50 posts at once: more than the writer's statements in flight, so batches form.
    const responses = await Promise.all([...events, ...events, ...strangers].map((b) => post(b)));
    expect(responses.every((r) => r.status === 200)).toBe(true);
    for (const b of events)
      expect(await inboxRow(eventKeyOf(eventOf(b)))).toMatchObject({ status: 'received' });
    for (const b of strangers) expect(await inboxRow(eventKeyOf(eventOf(b)))).toBeUndefined();
    // One `accepted` per event; its repeat reads as in flight (`requeued`), whichever statement it was in.
    expect((await metric('accepted')) - accepted).toBe(20);
    const jobs = await app.deps.queues.events.getJobs(['waiting', 'delayed', 'active', 'prioritized']);
    const keys = new Set(events.map((b) => scopedJobId(app.deps.database, eventKeyOf(eventOf(b)))));
    expect(jobs.filter((j) => keys.has(j.id ?? ''))).toHaveLength(20);
  });

  it('treats key order in updates as the same event', async () => {
    const b = body({ aspect_type: 'update', updates: { title: 'A', type: 'Run' } });
    await postOk(b);
    const before = await inboxCount();
    const reordered = `{"updates":{"type":"Run","title":"A"},"subscription_id":${SUBSCRIPTION},"owner_id":${ATHLETE},"object_type":"activity","object_id":${b.object_id},"event_time":${b.event_time},"aspect_type":"update"}`;
    await postOk(reordered);
    expect(await inboxCount()).toBe(before);
  });

  it('re-enqueues a duplicate of an unfinished row whose job is gone (docs/webhooks.md#seen-is-not-done)', async () => {
    const b = body();
    await postOk(b);
    const key = eventKeyOf(eventOf(b));
    await app.deps.queues.events.remove(scopedJobId(app.deps.database, key));
    expect(await app.deps.queues.events.getJob(scopedJobId(app.deps.database, key))).toBeUndefined();
    const requeued = await metric('requeued');
    await postOk(b);
    expect(await app.deps.queues.events.getJob(scopedJobId(app.deps.database, key))).toBeDefined();
    expect(await metric('requeued')).toBe(requeued + 1);
  });

  it('ignores a duplicate of a finished row', async () => {
    for (const status of ['done', 'skipped', 'dead'] as const) {
      const b = body();
      await postOk(b);
      const key = eventKeyOf(eventOf(b));
      await database.db
        .update(webhookInbox)
        .set({ status, finishedAt: new Date() })
        .where(eq(webhookInbox.eventKey, key));
      await app.deps.queues.events.remove(scopedJobId(app.deps.database, key));
      const duplicates = await metric('duplicate');
      const res = await post(b);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ status: 'ok' });
      expect(await app.deps.queues.events.getJob(scopedJobId(app.deps.database, key))).toBeUndefined();
      expect((await inboxRow(key))!.status).toBe(status);
      expect(await metric('duplicate')).toBe(duplicates + 1);
    }
  });

  it('acknowledges and drops a foreign subscription and an unknown owner, without a row', async () => {
    const before = await inboxCount();
    const foreign = await metric('dropped_foreign_subscription');
    const unknown = await metric('dropped_unknown_owner');
    const fromForeign = body({ subscription_id: 999 });
    const fromStranger = body({ owner_id: 555 });
    const a = await post(fromForeign);
    const b = await post(fromStranger);
    expect([a.status, b.status]).toEqual([200, 200]);
    // Same answer as an accepted event: a stranger learns nothing about who is a runner.
    expect(a.body).toEqual({ status: 'ok' });
    expect(b.body).toEqual({ status: 'ok' });
    expect(await inboxCount()).toBe(before);
    expect(
      await app.deps.queues.events.getJob(scopedJobId(app.deps.database, eventKeyOf(eventOf(fromForeign)))),
    ).toBeUndefined();
    expect(
      await app.deps.queues.events.getJob(scopedJobId(app.deps.database, eventKeyOf(eventOf(fromStranger)))),
    ).toBeUndefined();
    expect(await metric('dropped_foreign_subscription')).toBe(foreign + 1);
    expect(await metric('dropped_unknown_owner')).toBe(unknown + 1);
  });

  describe('input limits', () => {
    const invalid: [string, number, string, string][] = [
      ['plain text', 415, 'text/plain', JSON.stringify(body())],
      ['form', 415, 'application/x-www-form-urlencoded', 'a=1'],
      ['json lookalike type', 415, 'application/jsonx', JSON.stringify(body())],
      ['not JSON', 400, 'application/json', '{"object_type":'],
      ['empty body', 400, 'application/json', ''],
      ['a JSON string', 400, 'application/json', '"hello"'],
      ['null', 400, 'application/json', 'null'],
      ['an array', 400, 'application/json', '[]'],
      ['unknown object_type', 400, 'application/json', JSON.stringify(body({ object_type: 'route' }))],
      ['unknown aspect_type', 400, 'application/json', JSON.stringify(body({ aspect_type: 'upsert' }))],
      ['id as a string', 400, 'application/json', JSON.stringify(body({ object_id: '1360128428' }))],
      ['fractional id', 400, 'application/json', JSON.stringify(body({ object_id: 1.5 }))],
      ['exponent id', 400, 'application/json', JSON.stringify(body()).replace('1360128428', '1.360128428e9')],
      ['negative id', 400, 'application/json', JSON.stringify(body({ owner_id: -1 }))],
      ['zero id', 400, 'application/json', JSON.stringify(body({ subscription_id: 0 }))],
      [
        '21-digit id',
        400,
        'application/json',
        JSON.stringify(body()).replace('1360128428', '123456789012345678901'),
      ],
      ['missing owner', 400, 'application/json', JSON.stringify(body({ owner_id: undefined }))],
      ['fractional event_time', 400, 'application/json', JSON.stringify(body({ event_time: 1.5 }))],
      ['event_time in ms', 400, 'application/json', JSON.stringify(body({ event_time: 1_700_000_000_000 }))],
      ['event_time too far', 400, 'application/json', JSON.stringify(body({ event_time: 1e15 }))],
      ['non-string update', 400, 'application/json', JSON.stringify(body({ updates: { private: true } }))],
      ['updates as array', 400, 'application/json', JSON.stringify(body({ updates: ['title'] }))],
      [
        'too many updates',
        400,
        'application/json',
        JSON.stringify(
          body({ updates: Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`k${i}`, 'v'])) }),
        ),
      ],
      [
        '__proto__ key',
        400,
        'application/json',
        JSON.stringify(body()).replace('"updates":{}', '"updates":{"__proto__":"x"}'),
      ],
    ];
    it.each(invalid)('%s → %i, no row', async (_name, status, type, payload) => {
      const before = await inboxCount();
      const res = await post(payload, type);
      expect(res.status).toBe(status);
      expect(res.body.error).toEqual({ code: expect.any(String), message: expect.any(String) });
      expect(await inboxCount()).toBe(before);
    });

    it('rejects invalid UTF-8 with 400', async () => {
      const res = await request(app.url)
        .post('/webhooks/strava')
        .set('Content-Type', 'application/json')
        .send(Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d]));
      expect(res.status).toBe(400);
    });

    it('refuses a body over 8 KB with 413 and accepts one of exactly 8 KB', async () => {
      const before = await inboxCount();
      const tooLarge = JSON.stringify({ ...body(), padding: 'x'.repeat(9_000) });
      const res = await post(tooLarge);
      expect(res.status).toBe(413);
      expect(res.body.error.code).toBe('payload_too_large');
      const base = JSON.stringify({ ...body(), padding: '' });
      const exact = base.replace('"padding":""', `"padding":"${'x'.repeat(8_192 - base.length)}"`);
      expect(Buffer.byteLength(exact)).toBe(8_192);
      await postOk(exact);
      expect(await inboxCount()).toBe(before + 1);
    });

    it('refuses a compressed body (no inflating untrusted input)', async () => {
      const res = await request(app.url)
        .post('/webhooks/strava')
        .set('Content-Type', 'application/json')
        .set('Content-Encoding', 'gzip')
        .send(JSON.stringify(body()));
      expect(res.status).toBe(415);
    });

    it('counts rejections by reason', async () => {
      expect(await metric('rejected_invalid')).toBeGreaterThan(0);
      expect(await metric('rejected_media_type')).toBeGreaterThan(0);
      expect(await metric('rejected_too_large')).toBeGreaterThan(0);
    });
  });

  it('answers deliveries before express: JSON with nosniff, no ETag, no framework header (docs/scaling.md#the-ack-path)', async () => {
    const res = await post(body());
    expect(res.status).toBe(200);
    expect(res.text).toBe('{"status":"ok"}');
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers.etag).toBeUndefined();
    expect(res.headers['x-powered-by']).toBeUndefined();
    const refused = await post('{}', 'text/plain');
    expect(refused.status).toBe(415);
    expect(refused.headers['x-content-type-options']).toBe('nosniff');
    // The handshake stays on express (helmet's headers and all).
    const handshake = await request(app.url).get('/webhooks/strava').query({ 'hub.mode': 'subscribe' });
    expect(handshake.headers['content-security-policy']).toContain("frame-ancestors 'none'");
  });

  it('survives uploads cut off mid-body and keeps answering', async () => {
    const { port } = new URL(app.url);
    for (let i = 0; i < 5; i++) {
      const socket = connect(Number(port), '127.0.0.1');
      await once(socket, 'connect');
      socket.write(
        'POST /webhooks/strava HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 500\r\n\r\n{"object_type":',
      );
      await new Promise((resolve) => setTimeout(resolve, 20));
      socket.destroy();
    }
    await postOk(body());
  });

  it('rate-limits one address far above Strava’s rate, answering 429 as JSON', async () => {
    const limited = createApp(app.deps, [
      { path: '/webhooks/strava', router: createStravaWebhookRouter(app.deps, { requestsPerMinute: 3 }) },
    ]);
    for (let i = 0; i < 3; i++) {
      await request(limited).post('/webhooks/strava').set('Content-Type', 'text/plain').send('x').expect(415);
    }
    const res = await request(limited)
      .post('/webhooks/strava')
      .set('Content-Type', 'application/json')
      .send('{}');
    expect(res.status).toBe(429);
    expect(res.body.error.code).toBe('rate_limited');
    // The handshake is not limited: Strava's validation GET must always get through.
    await request(limited)
      .get('/webhooks/strava')
      .query({ 'hub.mode': 'subscribe', 'hub.verify_token': 'test-verify-token', 'hub.challenge': 'x' })
      .expect(200);
  });
});

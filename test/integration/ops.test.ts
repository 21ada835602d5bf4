import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Running } from '../../src/server.js';
import { startTestApp, testEnv } from '../helpers/app.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { eventually } from '../helpers/eventually.js';
import { startRedisServer } from '../helpers/redis-server.js';
import { startTcpProxy } from '../helpers/tcp-proxy.js';

describe('operations endpoints', () => {
  let database: TestDatabase;
  let redis: Awaited<ReturnType<typeof startRedisServer>>;
  let pgProxy: Awaited<ReturnType<typeof startTcpProxy>>;
  let app: Running;

  beforeAll(async () => {
    database = await createTestDatabase();
    redis = await startRedisServer();
    pgProxy = await startTcpProxy(5432);
    const url = new URL(database.url);
    url.port = String(pgProxy.port);
    app = await startTestApp(
      testEnv({
        DATABASE_URL: url.toString(),
        REDIS_URL: redis.url,
        ROLE: 'all',
        ADMIN_PASSWORD: 'correct horse battery',
      }),
    );
  });
  afterAll(async () => {
    await app?.stop();
    await pgProxy?.close();
    await redis?.stop();
    await database?.drop();
  });

  it('answers liveness, readiness and metrics when everything is up', async () => {
    await request(app.url).get('/healthz').expect(200, { status: 'ok' });
    const ready = await request(app.url).get('/readyz').expect(200);
    expect(ready.body.checks).toEqual({ database: 'ok', redis: 'ok', workers: 'running' });
    expect(ready.body.missing).toBeUndefined();
    const metrics = await request(app.url).get('/metrics').expect(200);
    expect(metrics.text).toContain('rampguard_http_request_duration_seconds');
    // The watchdog's canary (docs/degradation.md#watchdog): the workers ran it moments ago.
    await eventually(async () => {
      const text = (await request(app.url).get('/metrics').expect(200)).text;
      const age = Number(/^rampguard_worker_canary_age_seconds (\S+)$/m.exec(text)?.[1]);
      expect(age).toBeGreaterThanOrEqual(0);
      expect(age).toBeLessThan(60);
    });
    expect(metrics.text).toMatch(/rampguard_queue_jobs\{queue="events",state="waiting"\} 0/);
  });

  it('sets security headers and hides the framework', async () => {
    const res = await request(app.url).get('/healthz');
    expect(res.headers['x-powered-by']).toBeUndefined();
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(res.headers['x-request-id']).toMatch(/^[\w-]+$/);
  });

  it('protects the queue dashboard with ADMIN_PASSWORD', async () => {
    await request(app.url).get('/admin/queues').expect(401);
    await request(app.url).get('/admin/queues').auth('admin', 'wrong password').expect(401);
    await request(app.url).get('/admin/queues').auth('admin', 'correct horse battery').expect(200);
  });

  it('reports Redis down as not ready, stays alive, and recovers', async () => {
    await redis.kill();
    await eventually(async () => {
      const res = await request(app.url).get('/readyz').expect(503);
      expect(res.body.checks.redis).toBe('unavailable');
      // It says what is missing and how RampGuard behaves meanwhile.
      expect(res.body.missing).toContain('redis');
      expect(res.body.meanwhile.join(' ')).toMatch(/Redis: webhooks are still acknowledged/);
    });
    await request(app.url).get('/healthz').expect(200);
    await request(app.url).get('/metrics').expect(200);
    await redis.restart();
    await eventually(async () => {
      await request(app.url).get('/readyz').expect(200);
    }, 15_000);
  });

  it('reports Postgres unreachable within 1.5 s, stays alive, and recovers', async () => {
    pgProxy.setMode('blackhole');
    const started = Date.now();
    const res = await request(app.url).get('/readyz').expect(503);
    expect(Date.now() - started).toBeLessThan(1_500);
    expect(res.body.checks.database).toBe('unavailable');
    await request(app.url).get('/healthz').expect(200);
    pgProxy.setMode('pass');
    await eventually(async () => {
      await request(app.url).get('/readyz').expect(200);
    });
  });
});

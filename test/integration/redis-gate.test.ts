import { DEFAULT_APPLICATION } from '@rampguard/strava-sim';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Running } from '../../src/server.js';
import { startTestApp, testEnv } from '../helpers/app.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { eventually } from '../helpers/eventually.js';
import { createCapturingLogger } from '../helpers/logger.js';
import { deleteQueueKeys, REDIS_URL } from '../helpers/queue-keys.js';

/**
 * docs/degradation.md: BullMQ is only safe on a Redis that never evicts and keeps an
 * append-only file. In production the workers stay off on any other Redis, but the process
 * still starts and serves, and /readyz says why. The machine's shared Redis keeps nothing on
 * disk (appendonly no), which is exactly such a Redis.
 */
describe('the Redis config gate in production', () => {
  let database: TestDatabase;
  let app: Running;
  const log = createCapturingLogger('info');

  beforeAll(async () => {
    database = await createTestDatabase();
    app = await startTestApp(
      testEnv({
        NODE_ENV: 'production',
        PUBLIC_URL: 'https://rampguard.example',
        DATABASE_URL: database.url,
        REDIS_URL,
        ROLE: 'all',
        STRAVA_CLIENT_ID: DEFAULT_APPLICATION.clientId,
        STRAVA_CLIENT_SECRET: DEFAULT_APPLICATION.clientSecret,
        STRAVA_VERIFY_TOKEN: 'production-verify-token',
      }),
      { logger: log.logger },
    );
  });
  afterAll(async () => {
    await app?.stop();
    await deleteQueueKeys(app.deps.config.queuePrefix);
    await database?.drop();
  });

  it('When Redis keeps nothing on disk, then the process serves but its workers stay off, and /readyz and the log say why', async () => {
    await request(app.url).get('/healthz').expect(200);
    await eventually(async () => {
      const ready = await request(app.url).get('/readyz').expect(503);
      expect(ready.body.checks).toEqual({
        database: 'ok',
        redis: 'ok',
        workers: 'refused: Redis is not safe for BullMQ',
      });
    });
    expect(log.text()).toMatch(/appendonly is off: a Redis restart loses queued jobs/);
    expect(app.workers).toEqual([]);
    // The web part is unaffected: pages answer.
    await request(app.url).get('/').expect(200);
  });
});

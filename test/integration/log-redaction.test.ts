import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Running } from '../../src/server.js';
import { startTestApp, testEnv } from '../helpers/app.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { createCapturingLogger } from '../helpers/logger.js';

describe('logs', () => {
  let database: TestDatabase;
  let app: Running;
  const capture = createCapturingLogger('trace');

  beforeAll(async () => {
    database = await createTestDatabase();
    app = await startTestApp(testEnv({ DATABASE_URL: database.url, ROLE: 'web' }), {
      logger: capture.logger,
    });
  });
  afterAll(async () => {
    await app?.stop();
    await database?.drop();
  });

  it('never contain a token, code or cookie passed through a request', async () => {
    const secrets = ['tok-AAAA1111', 'code-BBBB2222', 'cookie-CCCC3333', 'state-DDDD4444', 'ics-EEEE5555'];
    await request(app.url)
      .get(`/auth/strava/callback?code=${secrets[1]}&state=${secrets[3]}&scope=read`)
      .set('Authorization', `Bearer ${secrets[0]}`)
      .set('Cookie', `rg_session=${secrets[2]}`);
    await request(app.url).get(`/plan.ics?token=${secrets[4]}`);
    await request(app.url).get('/api/me').set('Authorization', `Bearer ${secrets[0]}`);
    app.deps.logger.info(
      { access_token: secrets[0], nested: { refresh_token: secrets[0], code: secrets[1] } },
      'direct',
    );
    await new Promise((r) => setTimeout(r, 50));
    const text = capture.text();
    expect(text).toContain('/auth/strava/callback?code=%5Bredacted%5D');
    for (const secret of secrets) expect(text).not.toContain(secret);
  });
});

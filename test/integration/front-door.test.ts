import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUTH_START_RATE_LIMIT } from '../../src/http/auth/router.js';
import { proxyGet, startHttpProxy } from '../helpers/http-proxy.js';
import { createCapturingLogger } from '../helpers/logger.js';
import {
  CookieJar,
  connectBrowser,
  type Harness,
  startHarness,
  stateCookieNames,
  stopHarness,
} from '../helpers/web-harness.js';

/** docs/front-door.md: sign-in for a club behind one NAT, several processes, a real proxy hop. */
describe('the front door: sign-in at club scale (trust proxy = 1 hop)', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await stopHarness(h);
  });

  it('When 50 runners behind one NAT connect within a minute, then all 50 get in', async () => {
    const ip = '198.51.100.50';
    const statuses: number[] = [];
    // Five at a time, like people tapping the button in the same minute.
    for (let round = 0; round < 10; round++) {
      const flows = await Promise.all(
        Array.from({ length: 5 }, (_, i) => connectBrowser(h, { ip, firstname: `Club${round * 5 + i}` })),
      );
      statuses.push(...flows.map((f) => f.callback.status));
    }
    expect(statuses).toEqual(Array(50).fill(303));
  });

  it('When a runner starts sign-in in two tabs, then both callbacks work', async () => {
    const jar = new CookieJar();
    const first = await connectBrowser(h, {
      jar,
      firstname: 'Tabs',
      // Tab 2 is opened and finished while tab 1 sits on Strava's consent page.
      beforeCallback: async () => {
        const second = await connectBrowser(h, { jar, firstname: 'Tabs' });
        expect(second.callback.status).toBe(303);
      },
    });
    expect(first.callback.status).toBe(303);
    await request(h.app.url).get('/api/me').set('Cookie', jar.header()).expect(200);
    expect(stateCookieNames(jar)).toEqual([]);
  });

  it('When a browser keeps starting sign-ins, then it holds at most 8 state cookies and the newest still works', async () => {
    const jar = new CookieJar();
    const oldest = await connectBrowser(h, {
      jar,
      firstname: 'Restless',
      beforeCallback: async () => {
        for (let i = 0; i < 12; i++) {
          jar.update(await request(h.app.url).get('/auth/strava').set('Cookie', jar.header()).expect(302));
        }
        expect(stateCookieNames(jar)).toHaveLength(8);
      },
    });
    // The first tab's state was the oldest: dropped once the browser had 8 newer ones.
    expect(oldest.callback.status).toBe(400);
    const newest = await connectBrowser(h, { jar, firstname: 'Restless' });
    expect(newest.callback.status).toBe(303);
  });
});

describe('limits shared by two app instances on one Redis', () => {
  let a: Harness;
  let b: Harness;

  beforeAll(async () => {
    a = await startHarness();
    // Same database and QUEUE_PREFIX: two web processes of one deployment.
    b = await startHarness({ QUEUE_PREFIX: a.app.deps.config.queuePrefix }, { database: a.database });
  });
  afterAll(async () => {
    await stopHarness(b, false);
    await stopHarness(a);
  });

  it('When one ip spreads its sign-in starts over two instances, then they share one count', async () => {
    const ip = '192.0.2.77';
    const half = AUTH_START_RATE_LIMIT / 2;
    for (let i = 0; i < half; i++) {
      await request(a.app.url).get('/auth/strava').set('X-Forwarded-For', ip).expect(302);
      await request(b.app.url).get('/auth/strava').set('X-Forwarded-For', ip).expect(302);
    }
    await request(a.app.url).get('/auth/strava').set('X-Forwarded-For', ip).expect(429);
    await request(b.app.url).get('/auth/strava').set('X-Forwarded-For', ip).expect(429);
    await request(b.app.url).get('/auth/strava').set('X-Forwarded-For', '192.0.2.78').expect(302);
  });
});

describe('through a real HTTP proxy hop', () => {
  let h: Harness;
  let proxy: Awaited<ReturnType<typeof startHttpProxy>>;
  const capture = createCapturingLogger('warn');

  beforeAll(async () => {
    h = await startHarness(
      { PUBLIC_URL: 'https://localhost:3999', TRUST_PROXY_HOPS: '1' },
      { logger: capture.logger },
    );
    proxy = await startHttpProxy(h.app.url);
  });
  afterAll(async () => {
    await proxy.close();
    await stopHarness(h);
  });

  it('When one client behind the proxy bursts sign-ins, then only that client is refused, whatever it claims', async () => {
    const [clientA, clientB] = ['127.0.0.2', '127.0.0.3'];
    for (let i = 0; i < AUTH_START_RATE_LIMIT; i++) {
      expect((await proxyGet(proxy.url, '/auth/strava', clientA)).status).toBe(302);
    }
    const refused = await proxyGet(proxy.url, '/auth/strava', clientA);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect(refused.body).toMatch(/try again in \d+ seconds/);
    // A header the client sets itself sits before the proxy's entry and is not trusted.
    expect(
      (await proxyGet(proxy.url, '/auth/strava', clientA, { 'X-Forwarded-For': '192.0.2.1' })).status,
    ).toBe(429);
    expect((await proxyGet(proxy.url, '/auth/strava', clientB)).status).toBe(302);
    expect(capture.text()).not.toContain('X-Forwarded-Proto');
  });

  it('When the proxy stops sending X-Forwarded-Proto under an https PUBLIC_URL, then a warning names the cause, once', async () => {
    proxy.setForwardedProto(null);
    try {
      await proxyGet(proxy.url, '/', '127.0.0.4');
      await proxyGet(proxy.url, '/privacy', '127.0.0.4');
    } finally {
      proxy.setForwardedProto('https');
    }
    const warnings = capture.lines.filter((l) => l.includes('without X-Forwarded-Proto'));
    expect(warnings).toHaveLength(1);
    expect(JSON.parse(warnings[0]!)).toMatchObject({ level: 40, trustProxyHops: 1, forwardedProto: null });
  });
});

describe('start-up warning for an https PUBLIC_URL without proxy hops', () => {
  it('When PUBLIC_URL is https and TRUST_PROXY_HOPS=0, then the start logs a warning naming TRUST_PROXY_HOPS', async () => {
    const capture = createCapturingLogger('warn');
    const h = await startHarness(
      { PUBLIC_URL: 'https://localhost:3999', TRUST_PROXY_HOPS: '0' },
      { logger: capture.logger },
    );
    try {
      expect(capture.text()).toContain('TRUST_PROXY_HOPS=0');
    } finally {
      await stopHarness(h);
    }
  });
});

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  ALL_SCOPES,
  CLIENT_ID,
  CLIENT_SECRET,
  call,
  connectAthlete,
  REDIRECT_URI,
  refresh,
  type SimHarness,
  startTestSimulator,
  type TokenSet,
} from './helpers.js';

const INVALID_REFRESH =
  '{"message":"Bad Request","errors":[{"resource":"RefreshToken","field":"refresh_token","code":"invalid"}]}';

let sim: SimHarness;
let athleteId: string;

beforeEach(async () => {
  sim = await startTestSimulator();
  athleteId = (await sim.control.createAthlete({ firstname: 'Ana' })).id;
});
afterEach(() => sim.close());

function authorizeUrl(params: Record<string, string>): string {
  const query = new URLSearchParams({
    client_id: CLIENT_ID,
    redirect_uri: REDIRECT_URI,
    response_type: 'code',
    scope: ALL_SCOPES.join(','),
    state: 'st',
    ...params,
  });
  return `${sim.oauthUrl}/authorize?${query}`;
}

describe('GET /oauth/authorize', () => {
  it('shows an escaped consent page with pre-checked scopes, athlete choice and both buttons', async () => {
    const res = await call(authorizeUrl({ state: '"><script>alert(1)</script>' }));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/html');
    expect(res.text).toContain('<html lang="en">');
    expect(res.text).not.toContain('<script>alert(1)</script>');
    expect(res.text).toContain('&quot;&gt;&lt;script&gt;');
    for (const scope of ALL_SCOPES) {
      expect(res.text).toMatch(new RegExp(`name="scope_granted" value="${scope}" checked`));
    }
    expect(res.text).toContain('<label for="athlete_id">');
    expect(res.text).toContain('Create a new athlete');
    expect(res.text).toContain('value="approve"');
    expect(res.text).toContain('value="deny"');
  });

  it.each([
    ['unknown client_id', { client_id: '999' }, 'client_id'],
    ['foreign redirect_uri', { redirect_uri: 'https://evil.example/cb' }, 'redirect_uri'],
    ['response_type other than code', { response_type: 'token' }, 'response_type'],
    ['unknown scope', { scope: 'read,everything' }, 'scope'],
  ])('rejects %s with 400', async (_name, params, field) => {
    const res = await call(authorizeUrl(params));
    expect(res.status).toBe(400);
    expect(res.json).toMatchObject({ message: 'Bad Request', errors: [{ field }] });
  });

  it("accepts 127.0.0.1 and the app's callback domain (and subdomains)", async () => {
    await sim.control.createApplication({ clientId: '20000', callbackDomain: 'rampguard.example' });
    for (const uri of [
      'http://127.0.0.1:9/cb',
      'https://rampguard.example/cb',
      'https://app.rampguard.example/cb',
    ]) {
      const res = await call(authorizeUrl({ client_id: '20000', redirect_uri: uri }));
      expect(res.status, uri).toBe(200);
    }
    const res = await call(
      authorizeUrl({ client_id: '20000', redirect_uri: 'https://notrampguard.example/cb' }),
    );
    expect(res.status).toBe(400);
  });
});

describe('POST /oauth/authorize (the consent decision)', () => {
  it('redirects with code, the scopes actually granted and state', async () => {
    const result = await sim.control.authorize({
      clientId: CLIENT_ID,
      redirectUri: `${REDIRECT_URI}?keep=1`,
      scopes: ALL_SCOPES,
      grantedScopes: ['read', 'activity:read_all'],
      athleteId,
      state: 'abc',
    });
    expect(result.code).toMatch(/^[0-9a-f]{40}$/);
    expect(result.scope).toBe('read,activity:read_all');
    expect(result.state).toBe('abc');
    expect(new URL(result.location).searchParams.get('keep')).toBe('1');
  });

  it('redirects with error=access_denied and state on deny', async () => {
    const result = await sim.control.authorize({
      clientId: CLIENT_ID,
      redirectUri: REDIRECT_URI,
      scopes: ALL_SCOPES,
      athleteId,
      state: 'xyz',
      deny: true,
    });
    expect(result.error).toBe('access_denied');
    expect(result.state).toBe('xyz');
    expect(result.code).toBeNull();
  });

  it('creates a new athlete when asked, and needs a first name for it', async () => {
    const result = await sim.control.authorize({
      clientId: CLIENT_ID,
      redirectUri: REDIRECT_URI,
      scopes: ['read'],
      newAthleteFirstname: 'Zoë',
    });
    expect(result.code).not.toBeNull();
    expect((await sim.control.listAthletes()).map((a) => a.firstname)).toContain('Zoë');
    await expect(
      sim.control.authorize({
        clientId: CLIENT_ID,
        redirectUri: REDIRECT_URI,
        scopes: ['read'],
        newAthleteFirstname: '',
      }),
    ).rejects.toThrow(/400/);
  });

  it('approval_prompt=auto skips the page for a remembered athlete who granted everything; force does not', async () => {
    const form = new URLSearchParams({
      client_id: CLIENT_ID,
      redirect_uri: REDIRECT_URI,
      response_type: 'code',
      scope: 'read',
      state: 's',
      decision: 'approve',
      athlete_id: athleteId,
      scope_granted: 'read',
    });
    const post = await fetch(`${sim.oauthUrl}/authorize`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: form.toString(),
      redirect: 'manual',
    });
    const cookie = post.headers.get('set-cookie')?.split(';')[0] ?? '';
    const code = new URL(post.headers.get('location') ?? '').searchParams.get('code') ?? '';
    await call(`${sim.oauthUrl}/token`, {
      form: { client_id: CLIENT_ID, client_secret: CLIENT_SECRET, code, grant_type: 'authorization_code' },
    });
    const auto = await call(authorizeUrl({ scope: 'read' }), { headers: { cookie } });
    expect(auto.status).toBe(302);
    expect(auto.headers.get('location')).toContain('code=');
    const forced = await call(authorizeUrl({ scope: 'read', approval_prompt: 'force' }), {
      headers: { cookie },
    });
    expect(forced.status).toBe(200);
    const wider = await call(authorizeUrl({ scope: 'read,activity:read' }), { headers: { cookie } });
    expect(wider.status).toBe(200);
  });
});

describe('POST /oauth/token', () => {
  it('exchanges a code once: the second use is invalid', async () => {
    const consent = await sim.control.authorize({
      clientId: CLIENT_ID,
      redirectUri: REDIRECT_URI,
      scopes: ALL_SCOPES,
      athleteId,
    });
    const form = {
      client_id: CLIENT_ID,
      client_secret: CLIENT_SECRET,
      code: consent.code ?? '',
      grant_type: 'authorization_code',
    };
    const first = await call(`${sim.oauthUrl}/token`, { form });
    expect(first.status).toBe(200);
    expect(first.json).toMatchObject({
      token_type: 'Bearer',
      expires_in: 21600,
      athlete: { firstname: 'Ana' },
    });
    expect(first.text).toContain(`"athlete":{"id":${athleteId},`);
    const second = await call(`${sim.oauthUrl}/token`, { form });
    expect(second.status).toBe(400);
    expect(second.json).toEqual({
      message: 'Bad Request',
      errors: [{ resource: 'AuthorizationCode', field: 'code', code: 'invalid' }],
    });
  });

  it('rejects an expired code', async () => {
    const consent = await sim.control.authorize({
      clientId: CLIENT_ID,
      redirectUri: REDIRECT_URI,
      scopes: ALL_SCOPES,
      athleteId,
    });
    await sim.control.advanceClock(301);
    const res = await call(`${sim.oauthUrl}/token`, {
      form: {
        client_id: CLIENT_ID,
        client_secret: CLIENT_SECRET,
        code: consent.code ?? '',
        grant_type: 'authorization_code',
      },
    });
    expect(res.status).toBe(400);
  });

  it('answers 401 for a wrong client secret and 400 for an unknown client', async () => {
    const wrong = await call(`${sim.oauthUrl}/token`, {
      form: { client_id: CLIENT_ID, client_secret: 'nope', grant_type: 'refresh_token', refresh_token: 'x' },
    });
    expect(wrong.status).toBe(401);
    const unknown = await call(`${sim.oauthUrl}/token`, {
      form: { client_id: '1', client_secret: 'nope', grant_type: 'refresh_token', refresh_token: 'x' },
    });
    expect(unknown.status).toBe(400);
  });

  it('accepts a JSON body and the /api/v3/oauth/token alias from swagger.json', async () => {
    const consent = await sim.control.authorize({
      clientId: CLIENT_ID,
      redirectUri: REDIRECT_URI,
      scopes: ALL_SCOPES,
      athleteId,
    });
    const res = await call(`${sim.apiUrl}/oauth/token`, {
      json: {
        client_id: CLIENT_ID,
        client_secret: CLIENT_SECRET,
        code: consent.code,
        grant_type: 'authorization_code',
      },
    });
    expect(res.status).toBe(200);
  });

  describe('refresh', () => {
    let tokens: TokenSet;
    beforeEach(async () => {
      tokens = await connectAthlete(sim, athleteId);
    });

    it('with more than 1 h left returns the same access token but rotates the refresh token', async () => {
      const res = await refresh(sim, tokens.refresh_token);
      expect(res.status).toBe(200);
      const body = res.json as TokenSet;
      expect(body.access_token).toBe(tokens.access_token);
      expect(body.refresh_token).not.toBe(tokens.refresh_token);
      expect(body.expires_at).toBe(tokens.expires_at);
    });

    it('invalidates the old refresh token immediately, with the exact Strava body', async () => {
      await refresh(sim, tokens.refresh_token);
      const stale = await refresh(sim, tokens.refresh_token);
      expect(stale.status).toBe(400);
      expect(stale.text).toBe(INVALID_REFRESH);
      expect((await refresh(sim, 'never-issued')).text).toBe(INVALID_REFRESH);
    });

    it('with 1 h or less left returns a new access token; the old one works until it expires', async () => {
      await sim.control.advanceClock(5 * 3600 + 1);
      const res = await refresh(sim, tokens.refresh_token);
      const body = res.json as TokenSet;
      expect(body.access_token).not.toBe(tokens.access_token);
      expect(body.expires_in).toBe(21600);
      expect((await call(`${sim.apiUrl}/athlete`, { token: tokens.access_token })).status).toBe(200);
      await sim.control.advanceClock(3600);
      expect((await call(`${sim.apiUrl}/athlete`, { token: tokens.access_token })).status).toBe(401);
      expect((await call(`${sim.apiUrl}/athlete`, { token: body.access_token })).status).toBe(200);
    });

    it('expired tokens get 401 with a Strava fault body; refresh still works', async () => {
      await sim.control.expireTokens(athleteId);
      const res = await call(`${sim.apiUrl}/athlete`, { token: tokens.access_token });
      expect(res.status).toBe(401);
      expect(res.json).toEqual({
        message: 'Authorization Error',
        errors: [{ resource: 'Athlete', field: 'access_token', code: 'invalid' }],
      });
      const renewed = (await refresh(sim, tokens.refresh_token)).json as TokenSet;
      expect(renewed.access_token).not.toBe(tokens.access_token);
      expect((await call(`${sim.apiUrl}/athlete`, { token: renewed.access_token })).status).toBe(200);
    });

    it('honours a short configured token lifetime', async () => {
      await sim.control.setSettings({ tokenLifetimeSeconds: 5 });
      await sim.control.expireTokens(athleteId);
      const renewed = (await refresh(sim, tokens.refresh_token)).json as TokenSet;
      expect(renewed.expires_in).toBe(5);
      // Under an hour left: every refresh mints a new token (the expiry-storm setting).
      const next = (await refresh(sim, renewed.refresh_token)).json as TokenSet;
      expect(next.access_token).not.toBe(renewed.access_token);
      await sim.control.advanceClock(6);
      expect((await call(`${sim.apiUrl}/athlete`, { token: renewed.access_token })).status).toBe(401);
    });
  });
});

describe('athlete capacity (single-player mode, Standard tier)', () => {
  it('refuses a new athlete beyond the cap with a 403 page and no redirect', async () => {
    await sim.control.updateApplication(CLIENT_ID, { athleteCapacity: 1 });
    await connectAthlete(sim, athleteId);
    const other = (await sim.control.createAthlete({ firstname: 'Bo' })).id;
    await expect(
      sim.control.authorize({
        clientId: CLIENT_ID,
        redirectUri: REDIRECT_URI,
        scopes: ALL_SCOPES,
        athleteId: other,
      }),
    ).rejects.toThrow(/→ 403/);
    // The athlete already connected can re-authorize.
    expect((await connectAthlete(sim, athleteId)).access_token).toMatch(/^[0-9a-f]{40}$/);
  });
});

describe('POST /oauth/revoke (announced 2026 endpoint)', () => {
  it('revokes by refresh token with HTTP Basic app credentials, and answers 200 when already gone', async () => {
    const tokens = await connectAthlete(sim, athleteId);
    const basic = `Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')}`;
    const form = { token: tokens.refresh_token, token_type_hint: 'refresh_token' };
    const res = await call(`${sim.oauthUrl}/revoke`, { form, headers: { authorization: basic } });
    expect(res.status).toBe(200);
    expect((await call(`${sim.apiUrl}/athlete`, { token: tokens.access_token })).status).toBe(401);
    expect((await call(`${sim.oauthUrl}/revoke`, { form, headers: { authorization: basic } })).status).toBe(
      200,
    );
    const wrong = `Basic ${Buffer.from(`${CLIENT_ID}:nope`).toString('base64')}`;
    expect((await call(`${sim.oauthUrl}/revoke`, { form, headers: { authorization: wrong } })).status).toBe(
      401,
    );
  });
});

describe('POST /oauth/deauthorize', () => {
  it('kills every token of the athlete: API 401 and refresh invalid afterwards', async () => {
    const tokens = await connectAthlete(sim, athleteId);
    const res = await call(`${sim.oauthUrl}/deauthorize`, { form: { access_token: tokens.access_token } });
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ access_token: tokens.access_token });
    expect((await call(`${sim.apiUrl}/athlete`, { token: tokens.access_token })).status).toBe(401);
    expect((await refresh(sim, tokens.refresh_token)).text).toBe(INVALID_REFRESH);
    const again = await call(`${sim.oauthUrl}/deauthorize`, { form: { access_token: tokens.access_token } });
    expect(again.status).toBe(401);
  });

  it('accepts the token as a Bearer header or in the query', async () => {
    const a = await connectAthlete(sim, athleteId);
    expect(
      (await call(`${sim.oauthUrl}/deauthorize`, { method: 'POST', token: a.access_token })).status,
    ).toBe(200);
    const b = await connectAthlete(sim, athleteId);
    const res = await call(`${sim.oauthUrl}/deauthorize?access_token=${b.access_token}`, { method: 'POST' });
    expect(res.status).toBe(200);
  });

  it('redacts tokens and codes in the request log', async () => {
    const tokens = await connectAthlete(sim, athleteId);
    await call(`${sim.oauthUrl}/deauthorize?access_token=${tokens.access_token}`, { method: 'POST' });
    const log = JSON.stringify(await sim.control.listRequests());
    expect(log).toContain('/oauth/deauthorize');
    expect(log).not.toContain(tokens.access_token);
  });
});

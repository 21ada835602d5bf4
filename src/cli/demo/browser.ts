import type { SimControl } from '@rampguard/strava-sim';

/**
 * Just enough of a browser for the tour: a cookie jar (one host, no paths or
 * expiry beyond "cleared") and requests that never follow redirects, so each
 * hop of the sign-in can be shown.
 */
export class CookieJar {
  private readonly cookies = new Map<string, string>();

  update(res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const [pair = ''] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const cleared = value === '' || /max-age=0/i.test(line) || /expires=Thu, 01 Jan 1970/i.test(line);
      if (cleared) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  header(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
}

export type Browser = {
  jar: CookieJar;
  request(method: string, path: string, body?: unknown): Promise<Response>;
};

/** `baseUrl` is where requests go (the server's loopback address); paths may carry a query. */
export function createBrowser(baseUrl: string): Browser {
  const jar = new CookieJar();
  return {
    jar,
    async request(method, path, body) {
      const res = await fetch(new URL(path, baseUrl), {
        method,
        redirect: 'manual',
        headers: {
          cookie: jar.header(),
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      jar.update(res);
      return res;
    },
  };
}

export type SignIn = { consentUrl: string; landedOn: string };

/**
 * The real sign-in, hop by hop: `GET /auth/strava` (state cookie, 302 to the
 * simulator's consent page), the consent form posted for `athleteId` (what a
 * person does by clicking Authorize), then our callback with the browser's
 * cookies, which starts the session.
 */
export async function signInWithStrava(
  browser: Browser,
  sim: SimControl,
  athleteId: string,
): Promise<SignIn> {
  const start = await browser.request('GET', '/auth/strava');
  const consentUrl = start.headers.get('location');
  if (start.status !== 302 || !consentUrl) throw new Error(`GET /auth/strava answered ${start.status}`);
  const params = new URL(consentUrl).searchParams;
  const consent = await sim.authorize({
    clientId: params.get('client_id') ?? '',
    redirectUri: params.get('redirect_uri') ?? '',
    scopes: (params.get('scope') ?? '').split(','),
    athleteId,
    state: params.get('state') ?? '',
  });
  if (!consent.code) throw new Error(`the simulated consent failed: ${consent.error ?? 'no code'}`);
  const back = new URL(consent.location);
  const callback = await browser.request('GET', `${back.pathname}${back.search}`);
  const landedOn = callback.headers.get('location');
  if (callback.status !== 303 || !landedOn) {
    throw new Error(
      `the OAuth callback answered ${callback.status}: ${(await callback.text()).slice(0, 200)}`,
    );
  }
  return { consentUrl, landedOn };
}

/** Throws with the response's text unless it has the expected status. */
export async function expectStatus(res: Response, status: number, what: string): Promise<Response> {
  if (res.status !== status)
    throw new Error(`${what} answered ${res.status}: ${(await res.text()).slice(0, 200)}`);
  return res;
}

import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  createSimControl,
  type SimControl,
  type StartedSimulator,
  type StartSimulatorOptions,
  startSimulator,
} from '../src/index.js';

export const CLIENT_ID = '10000';
export const CLIENT_SECRET = 'sim-client-secret';
export const REDIRECT_URI = 'http://localhost:3000/auth/strava/callback';
export const ALL_SCOPES = ['read', 'activity:read_all', 'profile:read_all'];

export type SimHarness = StartedSimulator & { control: SimControl };

/** A simulator on an ephemeral port with short retry delays, plus its control client. */
export async function startTestSimulator(options: StartSimulatorOptions = {}): Promise<SimHarness> {
  const started = await startSimulator({ ...options, producer: { retryDelayMs: 20, ...options.producer } });
  return { ...started, control: createSimControl(started.url) };
}

export type Raw = { status: number; headers: Headers; text: string; json: unknown };

/** A plain HTTP call that keeps the raw body text (big ids must be checked as text). */
export async function call(
  url: string,
  init: {
    method?: string;
    token?: string;
    form?: Record<string, string>;
    json?: unknown;
    headers?: Record<string, string>;
  } = {},
): Promise<Raw> {
  const headers: Record<string, string> = { ...init.headers };
  let body: string | undefined;
  if (init.token) headers.authorization = `Bearer ${init.token}`;
  if (init.form) {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    body = new URLSearchParams(init.form).toString();
  } else if (init.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(init.json);
  }
  const res = await fetch(url, {
    method: init.method ?? (body !== undefined ? 'POST' : 'GET'),
    headers,
    body,
    redirect: 'manual',
  });
  const text = await res.text();
  let json: unknown = null;
  try {
    json = JSON.parse(text);
  } catch {
    json = null;
  }
  return { status: res.status, headers: res.headers, text, json };
}

export type TokenSet = {
  access_token: string;
  refresh_token: string;
  expires_at: number;
  expires_in: number;
};

/** The full OAuth dance: consent form → code → token exchange. */
export async function connectAthlete(
  sim: SimHarness,
  athleteId: string,
  scopes: string[] = ALL_SCOPES,
  grantedScopes: string[] = scopes,
): Promise<TokenSet> {
  const consent = await sim.control.authorize({
    clientId: CLIENT_ID,
    redirectUri: REDIRECT_URI,
    scopes,
    grantedScopes,
    athleteId,
    state: 's1',
  });
  const res = await call(`${sim.oauthUrl}/token`, {
    form: {
      client_id: CLIENT_ID,
      client_secret: CLIENT_SECRET,
      code: consent.code ?? '',
      grant_type: 'authorization_code',
    },
  });
  if (res.status !== 200) throw new Error(`token exchange failed: ${res.status} ${res.text}`);
  return res.json as TokenSet;
}

export async function refresh(sim: SimHarness, refreshToken: string): Promise<Raw> {
  return call(`${sim.oauthUrl}/token`, {
    form: {
      client_id: CLIENT_ID,
      client_secret: CLIENT_SECRET,
      grant_type: 'refresh_token',
      refresh_token: refreshToken,
    },
  });
}

export type ReceivedEvent = { body: string; at: number };

export type CallbackServer = {
  url: string;
  events: ReceivedEvent[];
  handshakes: URLSearchParams[];
  /** Status to answer to each POST in turn; afterwards 200. */
  postStatuses: number[];
  /** Delay before answering each POST (to exceed the producer's timeout). */
  postDelayMs: number;
  /** How the next handshake GET is answered. */
  handshake: 'echo' | 'wrong-echo' | 'redirect' | 'text' | 'slow';
  close(): Promise<void>;
};

/** A tiny webhook receiver standing in for RampGuard's /webhooks/strava. */
export async function startCallbackServer(): Promise<CallbackServer> {
  const state: Omit<CallbackServer, 'url' | 'close'> = {
    events: [],
    handshakes: [],
    postStatuses: [],
    postDelayMs: 0,
    handshake: 'echo',
  };
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (req.method === 'GET') {
      state.handshakes.push(url.searchParams);
      const challenge = url.searchParams.get('hub.challenge') ?? '';
      const mode = state.handshake;
      if (mode === 'redirect') {
        res.writeHead(302, { location: '/elsewhere' }).end();
      } else if (mode === 'text') {
        res
          .writeHead(200, { 'content-type': 'text/plain' })
          .end(JSON.stringify({ 'hub.challenge': challenge }));
      } else {
        const echo = mode === 'wrong-echo' ? 'nope' : challenge;
        const send = () =>
          res
            .writeHead(200, { 'content-type': 'application/json' })
            .end(JSON.stringify({ 'hub.challenge': echo }));
        if (mode === 'slow') setTimeout(send, 600);
        else send();
      }
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      state.events.push({ body: Buffer.concat(chunks).toString('utf8'), at: Date.now() });
      const status = state.postStatuses.shift() ?? 200;
      setTimeout(() => res.writeHead(status).end(), state.postDelayMs);
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return Object.assign(state, {
    url: `http://127.0.0.1:${port}/webhooks/strava`,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  });
}

export async function subscribe(
  sim: SimHarness,
  callbackUrl: string,
  verifyToken = 'verify-me',
): Promise<Raw> {
  return call(`${sim.apiUrl}/push_subscriptions`, {
    form: {
      client_id: CLIENT_ID,
      client_secret: CLIENT_SECRET,
      callback_url: callbackUrl,
      verify_token: verifyToken,
    },
  });
}

import { randomBytes } from 'node:crypto';

export type CallbackCheck = { ok: true } | { ok: false; reason: string };

/**
 * Strava's subscription handshake (docs/strava-api.md#validation-handshake): a GET with hub.* parameters that must answer
 * 200, JSON, echoing hub.challenge exactly, within the time limit and without any redirect.
 */
export async function validateCallback(
  callbackUrl: string,
  verifyToken: string,
  timeoutMs: number,
): Promise<CallbackCheck> {
  const challenge = randomBytes(16).toString('hex');
  const url = new URL(callbackUrl);
  url.searchParams.set('hub.mode', 'subscribe');
  url.searchParams.set('hub.challenge', challenge);
  url.searchParams.set('hub.verify_token', verifyToken);
  try {
    const res = await fetch(url, { redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
    const text = await res.text();
    if (res.status !== 200) return { ok: false, reason: `status ${res.status}` };
    if (!(res.headers.get('content-type') ?? '').includes('application/json')) {
      return { ok: false, reason: 'content type is not application/json' };
    }
    const body: unknown = JSON.parse(text);
    const echoed =
      body !== null && typeof body === 'object'
        ? (body as Record<string, unknown>)['hub.challenge']
        : undefined;
    return echoed === challenge ? { ok: true } : { ok: false, reason: 'hub.challenge not echoed' };
  } catch (err) {
    return { ok: false, reason: err instanceof Error ? err.message : String(err) };
  }
}

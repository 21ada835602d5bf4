import type { IncomingMessage } from 'node:http';
import { Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { createClientIp } from '../../../src/http/client-ip.js';
import { isEventDelivery } from '../../../src/http/strava-webhook/is-event-delivery.js';
import { createWebhookRateLimit, rateLimitHeaders } from '../../../src/http/strava-webhook/rate-limit.js';

function fakeRequest(fields: {
  method?: string;
  url?: string;
  remote?: string;
  forwardedFor?: string;
}): IncomingMessage {
  const socket = new Socket();
  Object.defineProperty(socket, 'remoteAddress', { value: fields.remote ?? '10.0.0.1' });
  return {
    method: fields.method ?? 'POST',
    url: fields.url ?? '/webhooks/strava',
    socket,
    connection: socket,
    headers: fields.forwardedFor ? { 'x-forwarded-for': fields.forwardedFor } : {},
  } as IncomingMessage;
}

/** docs/scaling.md#the-ack-path: the pieces of the delivery path served before express. */
describe('webhook delivery path', () => {
  it('takes POST /webhooks/strava (with or without a query) and nothing else', () => {
    expect(isEventDelivery(fakeRequest({}))).toBe(true);
    expect(isEventDelivery(fakeRequest({ url: '/webhooks/strava?x=1' }))).toBe(true);
    expect(isEventDelivery(fakeRequest({ method: 'GET' }))).toBe(false);
    expect(isEventDelivery(fakeRequest({ url: '/webhooks/stravax' }))).toBe(false);
    expect(isEventDelivery(fakeRequest({ url: '/webhooks/strava/' }))).toBe(false);
  });

  it('trusts exactly TRUST_PROXY_HOPS entries of X-Forwarded-For, like express req.ip', () => {
    const req = fakeRequest({ remote: '10.0.0.1', forwardedFor: '192.0.2.1, 198.51.100.7' });
    expect(createClientIp(0)(req)).toBe('10.0.0.1');
    expect(createClientIp(1)(req)).toBe('198.51.100.7');
    expect(createClientIp(2)(req)).toBe('192.0.2.1');
    expect(createClientIp(5)(req)).toBe('192.0.2.1');
  });

  it('counts a fixed window per ip, gives 503s back, and starts again after the window', () => {
    let now = 1_000_000;
    const limit = createWebhookRateLimit(2, () => now);
    const first = limit.take('192.0.2.1');
    expect(first).toMatchObject({ allowed: true, remaining: 1 });
    const second = limit.take('192.0.2.1');
    limit.giveBack('192.0.2.1', second);
    expect(limit.take('192.0.2.1').allowed).toBe(true);
    const refused = limit.take('192.0.2.1');
    expect(refused.allowed).toBe(false);
    expect(rateLimitHeaders(refused, now)).toMatchObject({ 'Retry-After': '60' });
    expect(limit.take('192.0.2.2').allowed).toBe(true);
    // IPv6 clients count by /56, as every other limiter does.
    expect(limit.take('2001:db8:0:1::1').allowed).toBe(true);
    expect(limit.take('2001:db8:0:2::1').allowed).toBe(true);
    expect(limit.take('2001:db8:0:3::1').allowed).toBe(false);
    now += 60_000;
    expect(limit.take('192.0.2.1').allowed).toBe(true);
    // Idle clients are forgotten after two windows, and start afresh.
    now += 120_000;
    expect(limit.take('192.0.2.1')).toMatchObject({ allowed: true, remaining: 1 });
  });
});

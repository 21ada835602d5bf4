import type { IncomingMessage } from 'node:http';
import proxyAddr from 'proxy-addr';

/**
 * The client ip of a request that never reaches express, by the rule express's
 * `req.ip` follows with `trust proxy` set to a hop count (src/http/app.ts):
 * walking X-Forwarded-For from the socket's address, exactly `trustProxyHops`
 * entries are trusted, so a spoofed header cannot change the answer
 * (docs/front-door.md#proxies). Undefined only when the socket is already gone.
 */
export function createClientIp(trustProxyHops: number): (req: IncomingMessage) => string | undefined {
  const trust = (_address: string, hop: number) => hop < trustProxyHops;
  return (req) => proxyAddr(req, trust);
}

import type { RequestHandler } from 'express';
import type { AppDeps } from '../app/deps.js';
import { isHttps } from './session/session-cookie.js';

/** Probes reach a process directly, not through the proxy: they say nothing about the proxy setup. */
const DIRECT_PATHS = new Set(['/healthz', '/readyz', '/metrics']);

/**
 * RampGuard never terminates TLS itself: an https PUBLIC_URL means a reverse
 * proxy in front, which must say so with `X-Forwarded-Proto: https`, trusted
 * through TRUST_PROXY_HOPS (docs/front-door.md#proxies). When requests arrive
 * looking like plain http, the hop setting (or the proxy's header) is missing,
 * and every visitor shares the proxy's ip for rate limits. Warned once per
 * process at start (hops = 0) and at the first such request, naming the cause.
 */
export function watchForwardedProto({
  config,
  logger,
}: Pick<AppDeps, 'config' | 'logger'>): RequestHandler | null {
  if (!isHttps(config)) return null;
  if (config.trustProxyHops === 0) {
    logger.warn(
      { publicUrl: config.publicUrl, trustProxyHops: 0 },
      'PUBLIC_URL is https but TRUST_PROXY_HOPS=0: behind a reverse proxy every visitor will share its ip; set TRUST_PROXY_HOPS to the number of proxies in front (docs/front-door.md)',
    );
  }
  let warned = false;
  return (req, _res, next) => {
    if (!warned && req.protocol !== 'https' && !DIRECT_PATHS.has(req.path)) {
      warned = true;
      const forwardedProto = req.get('x-forwarded-proto') ?? null;
      logger.warn(
        { publicUrl: config.publicUrl, trustProxyHops: config.trustProxyHops, forwardedProto },
        forwardedProto === null
          ? 'PUBLIC_URL is https but a request arrived without X-Forwarded-Proto: the proxy must send it, and TRUST_PROXY_HOPS must count every proxy (docs/front-door.md)'
          : 'PUBLIC_URL is https but X-Forwarded-Proto was not trusted: TRUST_PROXY_HOPS is lower than the number of proxies in front (docs/front-door.md)',
      );
    }
    next();
  };
}

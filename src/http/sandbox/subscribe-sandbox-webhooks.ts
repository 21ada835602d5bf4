import type { AppDeps } from '../../app/deps.js';
import { createStravaSubscription } from '../../app/strava-subscription.js';
import { withDeadline } from '../../shared/deadline.js';

/** Start-up must not hang on it, nor shutdown wait long for it. */
const SUBSCRIBE_DEADLINE_MS = 10_000;

/**
 * True when PUBLIC_URL names this process's own port, so the simulator (inside
 * this process) can reach the callback. A different port means a proxy or a
 * URL that does not lead here (PORT=0 in tests, a placeholder domain): the
 * validation GET would only fail, slowly.
 */
export function publicUrlReachesPort(publicUrl: string, listeningPort: number): boolean {
  const url = new URL(publicUrl);
  const port = url.port === '' ? (url.protocol === 'https:' ? 443 : 80) : Number(url.port);
  return port === listeningPort;
}

/**
 * In sandbox mode nobody runs `npm run strava -- subscription create`, so the
 * process subscribes itself once it listens: the simulator validates
 * `$PUBLIC_URL/webhooks/strava` (our handshake) and the id is stored exactly
 * as the CLI stores it, so incoming events pass the subscription check. An
 * existing subscription for the same callback is adopted. Never throws: a
 * failure only costs the webhooks, and the log says how to fix it.
 */
export async function subscribeSandboxWebhooks(deps: AppDeps, listeningPort: number): Promise<void> {
  const { config, logger } = deps;
  if (!publicUrlReachesPort(config.publicUrl, listeningPort)) {
    logger.info(
      { publicUrl: config.publicUrl, port: listeningPort },
      'sandbox: PUBLIC_URL is not this process, so no automatic webhook subscription; run `npm run strava -- subscription create` once it is reachable',
    );
    return;
  }
  try {
    const created = await withDeadline(
      createStravaSubscription(deps),
      SUBSCRIBE_DEADLINE_MS,
      'sandbox subscription',
    );
    logger.info(
      { subscriptionId: created.id, callbackUrl: created.callbackUrl, adopted: created.adopted },
      'sandbox: simulator webhook subscription ready',
    );
  } catch (err) {
    // Name and code only: a transport error message could carry the request URL (app credentials).
    const { name, code } = err as { name?: string; code?: string };
    logger.warn(
      { err: { name, code }, publicUrl: config.publicUrl },
      'sandbox: could not subscribe to simulator webhooks; webhooks will not arrive until `npm run strava -- subscription create` succeeds',
    );
  }
}

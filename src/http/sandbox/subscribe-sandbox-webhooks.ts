import type { AppDeps } from '../../app/deps.js';
import { createStravaSubscription } from '../../app/strava-subscription.js';

/**
 * In sandbox mode nobody runs `npm run strava -- subscription create`, so the
 * process subscribes itself once it listens: the simulator validates
 * `$PUBLIC_URL/webhooks/strava` (our handshake), and the id is stored exactly
 * as the CLI stores it, so incoming events pass the subscription check. An
 * existing subscription for the same callback is adopted. Never throws: a
 * PUBLIC_URL this process cannot reach only costs the webhooks, and says so.
 */
export async function subscribeSandboxWebhooks(deps: AppDeps): Promise<void> {
  try {
    const created = await createStravaSubscription(deps);
    deps.logger.info(
      { subscriptionId: created.id, callbackUrl: created.callbackUrl, adopted: created.adopted },
      'sandbox: simulator webhook subscription ready',
    );
  } catch (err) {
    const { name, message } = err as Error;
    deps.logger.warn(
      { err: { name, message }, publicUrl: deps.config.publicUrl },
      'sandbox: could not subscribe to simulator webhooks (is PUBLIC_URL reachable from this process?)',
    );
  }
}

import type { AppDeps } from '../../app/deps.js';
import { closeRows } from '../../db/repositories/email-outbox.js';
import { AppError } from '../../shared/errors.js';
import type { RenderedEmail } from '../templates/types.js';
import type { Claimed } from './claim-outbox-email.js';
import type { Delivery } from './delivery.js';
import { renderOutboxEmail } from './render-outbox-email.js';

export type RenderedClaim = { outcome: 'rendered'; email: RenderedEmail };

/**
 * Renders the claimed email for its recipient. A render that fails fails the
 * same way on every try, so the claimed rows fail for good at once.
 */
export async function renderClaimedEmail(
  deps: Pick<AppDeps, 'db' | 'config'>,
  claim: Claimed,
): Promise<RenderedClaim | Extract<Delivery, { outcome: 'failed' }>> {
  const { primary, template } = claim;
  try {
    const email = renderOutboxEmail(deps.config, claim.content, {
      runnerId: primary.runnerId,
      firstName: claim.recipient.firstName,
      email: claim.recipient.email,
      timeZone: claim.recipient.timeZone,
      units: claim.recipient.units,
      linksFrom: primary.createdAt,
      linkVersion: claim.recipient.linkVersion,
    });
    return { outcome: 'rendered', email };
  } catch (err) {
    await deps.db.transaction((tx) => closeRows(tx, claim.batchIds, 'failed', 'render failed'));
    const error = err instanceof AppError ? err : new AppError('email_render_failed', 'render failed');
    return { outcome: 'failed', template, outboxId: primary.id, error, count: claim.batchIds.length };
  }
}

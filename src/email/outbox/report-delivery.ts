import type { AppDeps } from '../../app/deps.js';
import type { Delivery } from './delivery.js';

/** Metrics by template and outcome; logs carry outbox ids, never addresses. */
export function reportDelivery(
  { metrics, logger }: Pick<AppDeps, 'metrics' | 'logger'>,
  jobOutboxId: number,
  result: Delivery,
): void {
  if (result.outcome === 'skipped') {
    logger.debug({ outboxId: jobOutboxId, reason: result.reason }, 'email send skipped');
    return;
  }
  const { template } = result;
  switch (result.outcome) {
    case 'sent':
      metrics.emails.inc({ template, outcome: 'sent' });
      if (result.folded > 0) metrics.emails.inc({ template, outcome: 'folded' }, result.folded);
      logger.info({ outboxId: result.outboxId, template, folded: result.folded }, 'email sent');
      return;
    case 'deferred':
      metrics.emails.inc({ template, outcome: 'deferred' }, result.count);
      logger.info(
        { outboxId: jobOutboxId, template, until: result.until },
        'alert deferred by the 24 h rule',
      );
      return;
    case 'cancelled':
      metrics.emails.inc({ template, outcome: 'cancelled' }, result.count);
      logger.info({ outboxId: jobOutboxId, template, reason: result.reason }, 'email cancelled');
      return;
    case 'retry':
      metrics.emails.inc({ template, outcome: 'retry' });
      logger.warn(
        { outboxId: result.outboxId, template, detail: result.error.detail },
        'email send failed, will retry',
      );
      return;
    case 'failed':
      metrics.emails.inc({ template, outcome: 'failed' }, result.count);
      logger.warn(
        { outboxId: result.outboxId, template, reason: result.error.message },
        'email failed for good',
      );
      return;
  }
}

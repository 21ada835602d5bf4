import { DAY_MS } from '../../domain/duration.js';
import { hashAddress, isDeliverableAddress } from '../address/email-address.js';
import type { OutboxContent } from './payloads.js';

export type Recipient = {
  email: string | null;
  emailVerifiedAt: Date | null;
  unsubscribedAt: Date | null;
  emailSuppressedAt: Date | null;
  alertsEnabled: boolean;
  /** Set while the runner is parked; the access email is moot once they reconnected. */
  stravaRefusal?: string | null;
};

/** At most one alert email per runner per 24 h; later triggers fold into the next (docs/email.md). */
export const ALERT_INTERVAL_MS = DAY_MS;

/**
 * Why this email must not go out, or null when it may (docs/email.md, docs/reliability-rules.md
 * docs/email.md#send-rules). Nothing goes to a suppressed address; nothing but the verification
 * email goes to an unverified or unsubscribed one; alerts also respect
 * `alerts_enabled`. Such rows are cancelled, not kept for later.
 */
export function blockReason(content: OutboxContent, recipient: Recipient | undefined): string | null {
  if (!recipient) return 'runner deleted';
  if (!recipient.email) return 'no address';
  if (!isDeliverableAddress(recipient.email)) return 'invalid address';
  if (recipient.emailSuppressedAt) return 'address suppressed';
  if (content.template === 'verification') {
    if (hashAddress(recipient.email) !== content.payload.addressHash) return 'address changed';
    return recipient.emailVerifiedAt ? 'already verified' : null;
  }
  if (!recipient.emailVerifiedAt) return 'address not verified';
  if (recipient.unsubscribedAt) return 'unsubscribed';
  if (content.template === 'alert' && !recipient.alertsEnabled) return 'alerts disabled';
  if (content.template === 'strava_access' && !recipient.stravaRefusal) return 'access restored';
  return null;
}

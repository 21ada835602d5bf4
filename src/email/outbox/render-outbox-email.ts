import type { Config } from '../../config.js';
import type { Units } from '../../domain/types.js';
import { AppError } from '../../shared/errors.js';
import { checkInUrls } from '../links/check-in-links.js';
import { unsubscribeUrl } from '../links/unsubscribe-link.js';
import { verifyEmailUrl } from '../links/verify-email-link.js';
import { renderAlertEmail } from '../templates/alert.js';
import { renderShoeMileageEmail } from '../templates/shoe-mileage.js';
import { renderStravaAccessEmail } from '../templates/strava-access.js';
import { renderTaperEmail } from '../templates/taper.js';
import type { RenderedEmail } from '../templates/types.js';
import { renderVerificationEmail } from '../templates/verification.js';
import type { OutboxContent } from './payloads.js';

type RenderConfig = Pick<Config, 'publicUrl' | 'sessionSecret'>;

export type RenderTarget = {
  runnerId: string;
  /** Read from `runners` at send time, never stored in the payload. */
  firstName: string;
  email: string;
  /** The runner's zone, for payloads that carry none. */
  timeZone: string;
  /** The runner's units setting, read at send time (docs/alerts.md#units). */
  units: Units;
  /**
   * Token expiries count from the row's creation, not from the send, so every
   * re-send of a row renders byte-for-byte the same links.
   */
  linksFrom: Date;
  /** The runner's current link version: unsubscribe links minted before a reset are dead. */
  linkVersion: number;
};

/** A template that throws (a bad link, a bug) fails the same way on every try. */
export class RenderError extends AppError {
  constructor(template: string) {
    super('email_render_failed', `could not render the ${template} email`, 500, false);
    this.name = 'RenderError';
  }
}

/** Renders one outbox email with the links minted for its runner (docs/email.md). */
export function renderOutboxEmail(
  config: RenderConfig,
  content: OutboxContent,
  to: RenderTarget,
): RenderedEmail {
  try {
    return render(config, content, to);
  } catch {
    throw new RenderError(content.template);
  }
}

function render(config: RenderConfig, content: OutboxContent, to: RenderTarget): RenderedEmail {
  const plan = `${config.publicUrl}/plan`;
  const unsubscribe = unsubscribeUrl(config, to.runnerId, to.linksFrom, to.linkVersion);
  switch (content.template) {
    case 'alert':
      return renderAlertEmail({
        firstName: to.firstName,
        detections: content.payload.detections,
        plan: content.payload.plan,
        links: { plan, unsubscribe, checkIn: checkInUrls(config, to.runnerId, to.linksFrom) },
        timeZone: content.payload.timeZone ?? to.timeZone,
        units: to.units,
      });
    case 'taper':
      return renderTaperEmail({
        firstName: to.firstName,
        plan: content.payload.plan,
        links: { plan, unsubscribe, checkIn: checkInUrls(config, to.runnerId, to.linksFrom) },
        timeZone: content.payload.timeZone ?? to.timeZone,
      });
    case 'shoe_mileage':
      return renderShoeMileageEmail({
        firstName: to.firstName,
        shoeName: content.payload.shoeName,
        detection: content.payload.detection,
        links: { plan, unsubscribe },
        units: to.units,
      });
    case 'strava_access':
      return renderStravaAccessEmail({
        firstName: to.firstName,
        refusal: content.payload.refusal,
        links: { reconnect: `${config.publicUrl}/auth/strava`, plan, unsubscribe },
      });
    case 'verification':
      return renderVerificationEmail({
        // A first verification may reach a stranger's inbox: no name from the runner's Strava profile.
        firstName: content.payload.greetByName ? to.firstName : '',
        confirmUrl: verifyEmailUrl(config, to.runnerId, to.email, to.linksFrom),
      });
  }
}

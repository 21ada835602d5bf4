/** Why an address is on hold (bounced, unsubscribed): no mail to it until the runner confirms it. */
export type { AddressHoldReason } from '../../db/repositories/email-addresses.js';

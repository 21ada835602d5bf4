import type { Config } from '../../config.js';
import { DAY_MS } from '../../domain/duration.js';
import type { Feeling } from '../../domain/types.js';
import { createSignedToken, verifySignedToken } from '../../shared/crypto.js';

type LinkConfig = Pick<Config, 'publicUrl' | 'sessionSecret'>;

export const CHECK_IN_PURPOSE = 'check-in';
const CHECK_IN_TTL_MS = 30 * DAY_MS;
const FEELINGS: readonly Feeling[] = ['fine', 'sore', 'pain'];

/**
 * One-click check-in links for emails (docs/contract.md#http-routes): `$PUBLIC_URL/checkin?token=…`
 * opens a page with one button; only its POST records the check-in. Each token
 * names one runner and one feeling (`<runnerId>:<feeling>`), so it can do
 * exactly what its button says (docs/access.md).
 */
export function checkInUrls(config: LinkConfig, runnerId: string, now: Date): Record<Feeling, string> {
  const expiresAt = new Date(now.getTime() + CHECK_IN_TTL_MS);
  const url = (feeling: Feeling) => {
    const token = createSignedToken(
      { purpose: CHECK_IN_PURPOSE, subject: `${runnerId}:${feeling}`, expiresAt },
      config.sessionSecret,
    );
    return `${config.publicUrl}/checkin?token=${encodeURIComponent(token)}`;
  };
  return { fine: url('fine'), sore: url('sore'), pain: url('pain') };
}

/** For the check-in page: the runner and feeling a token names, or null. */
export function readCheckInToken(
  config: LinkConfig,
  token: string,
  now: Date,
): { runnerId: string; feeling: Feeling } | null {
  const claims = verifySignedToken(token, CHECK_IN_PURPOSE, config.sessionSecret, now);
  const [runnerId, feeling, extra] = claims?.subject.split(':') ?? [];
  const known = FEELINGS.find((f) => f === feeling);
  if (!runnerId || !known || extra !== undefined) return null;
  return { runnerId, feeling: known };
}

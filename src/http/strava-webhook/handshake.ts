import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import type { AppDeps } from '../../app/deps.js';
import { errorBody } from '../errors.js';

/** Strava's challenge is 32 hex characters; anything long is not Strava. */
const MAX_CHALLENGE_LENGTH = 256;

/**
 * Subscription validation GET (docs/strava-api.md#validation-handshake, docs/webhooks.md#handshake): echo
 * `hub.challenge` as JSON only for `hub.mode=subscribe` with our verify
 * token; 403 otherwise. No redirect, no database: it must answer in ms.
 */
export function handleHandshake({ config }: AppDeps): RequestHandler {
  const expected = digest(config.strava.verifyToken);
  return (req, res) => {
    const mode = req.query['hub.mode'];
    const token = req.query['hub.verify_token'];
    const challenge = req.query['hub.challenge'];
    const valid =
      mode === 'subscribe' &&
      typeof token === 'string' &&
      // Hashing first gives equal-length buffers, so the compare leaks neither content nor length.
      timingSafeEqual(digest(token), expected) &&
      typeof challenge === 'string' &&
      challenge.length > 0 &&
      challenge.length <= MAX_CHALLENGE_LENGTH;
    if (!valid) {
      res.status(403).json(errorBody('forbidden', 'Invalid subscription validation request'));
      return;
    }
    res.status(200).json({ 'hub.challenge': challenge });
  };
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

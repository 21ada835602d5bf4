import { type Request, type Response, Router } from 'express';
import { missingScopesOf, parseScopes } from '../../app/connect-runner.js';
import type { AppDeps } from '../../app/deps.js';
import { loadRunner, type RunnerRow } from '../../app/runner/load-runner.js';
import { changeSettings } from '../../app/settings/change-settings.js';
import { requestEmailVerification } from '../../email/verification/request-email-verification.js';
import { EmailRateLimitedError } from '../../email/verification/verification-limits.js';
import { AppError } from '../../shared/errors.js';
import { parseInput } from './parse-input.js';
import { ZEmailBody, ZSettingsBody } from './schemas.js';
import { sessionRunnerId } from './session-runner-id.js';

/** `GET /api/me` (docs/contract.md#http-routes fields exactly, plus extras the pages use). */
function presentMe(runner: RunnerRow, sandbox: boolean) {
  return {
    athleteId: runner.athleteId,
    firstname: runner.firstname,
    email: runner.email,
    emailVerified: runner.emailVerifiedAt !== null,
    sandbox,
    missingScopes: missingScopesOf(parseScopes(runner.scopes)),
    units: runner.units,
    alertsEnabled: runner.alertsEnabled,
    connected: runner.disconnectedAt === null,
    backfill: { status: runner.backfillStatus, runs: runner.backfillRuns },
  };
}

async function loadSignedInRunner(deps: AppDeps, runnerId: string): Promise<RunnerRow> {
  const runner = await loadRunner(deps.db, runnerId);
  // The session check passed a moment ago; the runner can only have been deleted since.
  if (!runner) throw new AppError('unauthenticated', 'Sign in with Strava to continue', 401);
  return runner;
}

/**
 * Stores the address unverified and queues the verification email (202);
 * the email use case owns the rules (same verified address: no change;
 * limits: 429 with Retry-After, or 503 when they cannot be checked; an address
 * on hold: 409 until the body says `confirmHeldAddress: true`).
 */
async function putEmail(deps: AppDeps, req: Request, res: Response) {
  const { email, confirmHeldAddress } = parseInput(ZEmailBody, req.body);
  let result: Awaited<ReturnType<typeof requestEmailVerification>>;
  try {
    result = await requestEmailVerification(deps, sessionRunnerId(req), email, { confirmHeldAddress });
  } catch (err) {
    if (err instanceof EmailRateLimitedError) res.set('Retry-After', String(err.retryAfterSeconds));
    throw err;
  }
  if (result.status === 'needs-confirmation') {
    throw new AppError(
      'address_on_hold',
      `Emails to this address ${result.hold === 'bounced' ? 'bounced' : 'were unsubscribed'} before; send confirmHeldAddress: true to have it mailed again`,
      409,
    );
  }
  res.status(202).json({
    email,
    emailVerified: result.status === 'already-verified',
    verificationSent: result.status !== 'already-verified',
  });
}

async function patchSettings(deps: AppDeps, req: Request, res: Response) {
  const body = parseInput(ZSettingsBody, req.body);
  const runnerId = sessionRunnerId(req);
  await changeSettings(deps, runnerId, body);
  res.json(presentMe(await loadSignedInRunner(deps, runnerId), deps.config.sandbox));
}

export function createMeRoutes(deps: AppDeps): Router {
  const router = Router();
  router.get('/me', async (req, res) => {
    res.json(presentMe(await loadSignedInRunner(deps, sessionRunnerId(req)), deps.config.sandbox));
  });
  router.put('/me/email', (req, res) => putEmail(deps, req, res));
  router.patch('/me/settings', (req, res) => patchSettings(deps, req, res));
  return router;
}

import { randomBytes } from 'node:crypto';
import { isDigits } from '../ids.js';
import { type ApplicationInput, DEFAULT_APPLICATION } from '../options.js';
import { SimError } from '../sim-error.js';
import type { SimApplication, SimState } from '../state.js';

/** Registers a Strava app. The first one gets the well-known default credentials. */
export function addApplication(state: SimState, input: ApplicationInput): SimApplication {
  const isFirst = state.applications.size === 0;
  let clientId = input.clientId ?? (isFirst ? DEFAULT_APPLICATION.clientId : undefined);
  if (clientId === undefined) {
    let n = 10_000 + state.applications.size;
    while (state.applications.has(String(n))) n++;
    clientId = String(n);
  }
  // Strava client ids are integers; application_id is emitted as a JSON number.
  if (!isDigits(clientId)) throw new SimError(400, 'clientId must be digits');
  if (state.applications.has(clientId)) throw new SimError(409, `application ${clientId} already exists`);
  const app: SimApplication = {
    clientId,
    clientSecret:
      input.clientSecret ?? (isFirst ? DEFAULT_APPLICATION.clientSecret : randomBytes(20).toString('hex')),
    name: input.name ?? DEFAULT_APPLICATION.name,
    callbackDomain: input.callbackDomain ?? DEFAULT_APPLICATION.callbackDomain,
    athleteCapacity: input.athleteCapacity ?? null,
  };
  state.applications.set(clientId, app);
  return app;
}

export type ApplicationPatch = Omit<ApplicationInput, 'clientId'>;

export function updateApplication(
  state: SimState,
  clientId: string,
  patch: ApplicationPatch,
): SimApplication {
  const app = state.applications.get(clientId);
  if (!app) throw new SimError(404, `application ${clientId} not found`);
  if (patch.clientSecret !== undefined) app.clientSecret = patch.clientSecret;
  if (patch.name !== undefined) app.name = patch.name;
  if (patch.callbackDomain !== undefined) app.callbackDomain = patch.callbackDomain;
  if (patch.athleteCapacity !== undefined) app.athleteCapacity = patch.athleteCapacity;
  return app;
}

/** True when one more (new) athlete would exceed the app's connected-athlete cap. */
export function isAtCapacity(state: SimState, app: SimApplication, athleteId: string): boolean {
  if (app.athleteCapacity === null) return false;
  const connected = [...state.authorizations.values()].filter((a) => a.clientId === app.clientId);
  if (connected.some((a) => a.athleteId === athleteId)) return false;
  return connected.length >= app.athleteCapacity;
}

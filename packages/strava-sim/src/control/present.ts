import { listShoes, shoeDistance } from '../model/athletes.js';
import type { EventRecord, SimAthlete, SimShoe, SimState } from '../state.js';

// Control-API views: our own JSON, ids as strings, never token values.

export function presentControlShoe(state: SimState, shoe: SimShoe) {
  const { base_distance: _base, ...rest } = shoe;
  return { ...rest, distance: shoeDistance(state, shoe) };
}

export function presentControlAthlete(state: SimState, athlete: SimAthlete) {
  const authorizations = [...state.authorizations.values()]
    .filter((a) => a.athleteId === athlete.id)
    .map((a) => ({
      clientId: a.clientId,
      scopes: a.scopes,
      createdAt: a.createdAt,
      accessTokenExpiries: a.accessTokens
        .map((t) => state.accessTokens.get(t)?.expiresAtMs)
        .filter((ms): ms is number => ms !== undefined)
        .map((ms) => new Date(ms).toISOString()),
    }));
  return {
    ...athlete,
    shoes: listShoes(state, athlete.id).map((s) => presentControlShoe(state, s)),
    authorizations,
  };
}

export function presentControlEvent(record: EventRecord) {
  return { ...record, attempts: record.attempts.map((a) => ({ ...a })) };
}

export type ControlAthlete = ReturnType<typeof presentControlAthlete>;
export type ControlShoe = ReturnType<typeof presentControlShoe>;
export type ControlEvent = ReturnType<typeof presentControlEvent>;

import type { SimClock } from './clock.js';

/**
 * One injected misbehaviour. It applies to requests whose method and sim-relative path match
 * (`/api/v3/activities/*`, `/oauth/token`; `*` spans one path segment, `**` anything), for the
 * next `count` matches and/or `durationSeconds` of simulator time, whichever ends first.
 */
export type FaultInput = {
  path?: string | undefined;
  method?: string | undefined;
  /** Added delay before answering (a slow Strava, or a timeout if longer than the client's). */
  latencyMs?: number | undefined;
  /** Probability (0..1) of answering `errorStatus` instead. */
  errorRate?: number | undefined;
  errorStatus?: number | undefined;
  /** Accept the request and never answer. */
  hang?: boolean | undefined;
  /** Answer 429 with Strava's body (the request still counts toward usage). */
  rateLimited?: boolean | undefined;
  /** Answer 404 Record Not Found, as Strava sometimes does right after a create. */
  notFound?: boolean | undefined;
  count?: number | undefined;
  durationSeconds?: number | undefined;
};

export type FaultRule = {
  id: string;
  path: string;
  method: string | null;
  latencyMs: number;
  errorRate: number;
  errorStatus: number;
  hang: boolean;
  rateLimited: boolean;
  notFound: boolean;
  remaining: number | null;
  expiresAt: string | null;
  hits: number;
};

export type FaultOutcome = {
  latencyMs: number;
  hang: boolean;
  /** The status to answer with instead of the real handler, if any. */
  status: number | null;
};

export type Faults = {
  list(): FaultRule[];
  add(input: FaultInput): FaultRule;
  remove(id: string): boolean;
  clear(): void;
  evaluate(method: string, path: string): FaultOutcome;
  /** Back to the faults given in the options. */
  reset(): void;
};

export const DEFAULT_FAULT_PATH = '/api/v3/**';

export function globToRegExp(glob: string): RegExp {
  let source = '';
  for (let i = 0; i < glob.length; i++) {
    const ch = glob[i] as string;
    if (ch === '*' && glob[i + 1] === '*') {
      source += '.*';
      i++;
    } else if (ch === '*') {
      source += '[^/]*';
    } else {
      source += ch.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
    }
  }
  return new RegExp(`^${source}$`);
}

export function createFaults(clock: SimClock, random: () => number, initial: FaultInput[]): Faults {
  let rules: (FaultRule & { pattern: RegExp; expiresAtMs: number | null })[] = [];
  let nextId = 1;

  function add(input: FaultInput): FaultRule {
    const expiresAtMs =
      input.durationSeconds !== undefined ? clock.nowMs() + input.durationSeconds * 1000 : null;
    const path = input.path ?? DEFAULT_FAULT_PATH;
    const rule = {
      id: `fault-${nextId++}`,
      path,
      method: input.method?.toUpperCase() ?? null,
      latencyMs: input.latencyMs ?? 0,
      errorRate: input.errorRate ?? 0,
      errorStatus: input.errorStatus ?? 500,
      hang: input.hang ?? false,
      rateLimited: input.rateLimited ?? false,
      notFound: input.notFound ?? false,
      remaining: input.count ?? null,
      expiresAt: expiresAtMs === null ? null : new Date(expiresAtMs).toISOString(),
      hits: 0,
      pattern: globToRegExp(path),
      expiresAtMs,
    };
    rules.push(rule);
    return present(rule);
  }

  function present({ pattern: _p, expiresAtMs: _e, ...rule }: (typeof rules)[number]): FaultRule {
    return { ...rule };
  }

  function active() {
    const nowMs = clock.nowMs();
    rules = rules.filter((r) => (r.expiresAtMs === null || r.expiresAtMs > nowMs) && r.remaining !== 0);
    return rules;
  }

  const faults: Faults = {
    list: () => active().map(present),
    add,
    remove(id) {
      const before = rules.length;
      rules = rules.filter((r) => r.id !== id);
      return rules.length < before;
    },
    clear() {
      rules = [];
    },
    evaluate(method, path) {
      const outcome: FaultOutcome = { latencyMs: 0, hang: false, status: null };
      for (const rule of active()) {
        if (rule.method !== null && rule.method !== method.toUpperCase()) continue;
        if (!rule.pattern.test(path)) continue;
        rule.hits++;
        if (rule.remaining !== null) rule.remaining--;
        outcome.latencyMs += rule.latencyMs;
        outcome.hang ||= rule.hang;
        if (outcome.status !== null) continue;
        if (rule.rateLimited) outcome.status = 429;
        else if (rule.errorRate > 0 && random() < rule.errorRate) outcome.status = rule.errorStatus;
        else if (rule.notFound) outcome.status = 404;
      }
      return outcome;
    },
    reset() {
      rules = [];
      nextId = 1;
      for (const input of initial) add(input);
    },
  };
  faults.reset();
  return faults;
}

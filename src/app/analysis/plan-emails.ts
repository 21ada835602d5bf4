import type { StoredDetection } from '../../db/repositories/detections.js';
import type { PlanChange, PlanState } from '../../domain/plan/types.js';
import type { PlanHistoryEntry } from '../../domain/plan-view.js';
import { toPlanJson } from '../../domain/plan-view.js';

/**
 * The outbox rows a plan change or a detection calls for. Payloads hold what
 * the email says (numbers, plan); the recipient, first name and links are
 * added at send time, so no address or token ever sits in a payload.
 */
export type PlannedEmail = {
  template: 'alert' | 'taper' | 'shoe_mileage';
  /** Unique per (runner, plan change or detection, template): a replay queues nothing new. */
  dedupeKey: string;
  payload: Record<string, unknown>;
};

export function alertEmail(
  runnerId: string,
  change: PlanChange,
  plan: PlanState,
  history: readonly PlanHistoryEntry[],
  triggers: readonly StoredDetection[],
  timeZone: string,
): PlannedEmail {
  return {
    template: 'alert',
    dedupeKey: `alert:${runnerId}:v${change.version}`,
    payload: {
      detectionIds: triggers.map((d) => d.id),
      detections: triggers.map(emailDetection),
      plan: toPlanJson(plan, history),
      timeZone,
    },
  };
}

/**
 * A taper email: the announcement of a tapered plan, or (plan still daily after
 * 14 days) the suggestion to check in. One of each per plan version.
 */
export function taperEmail(
  runnerId: string,
  plan: PlanState,
  history: readonly PlanHistoryEntry[],
  timeZone: string,
): PlannedEmail {
  const kind = plan.phase === 'daily' ? 'taper-suggest' : 'taper';
  return {
    template: 'taper',
    dedupeKey: `${kind}:${runnerId}:v${plan.version}`,
    payload: { plan: toPlanJson(plan, history), timeZone },
  };
}

export function shoeMileageEmail(runnerId: string, detection: StoredDetection): PlannedEmail {
  return {
    template: 'shoe_mileage',
    dedupeKey: `shoe_mileage:${runnerId}:${detection.key}`,
    payload: {
      shoeName: String(detection.metrics.shoeName ?? ''),
      detection: emailDetection(detection),
    },
  };
}

/** What an email needs of a detection: its numbers and day (the text is rebuilt in the runner's units). */
function emailDetection(d: StoredDetection) {
  return {
    kind: d.kind,
    severity: d.severity,
    localDate: d.localDate,
    message: d.message,
    metrics: d.metrics,
  };
}

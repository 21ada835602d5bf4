import type { DetectionKind } from '../types.js';
import type { PlanTrigger } from './types.js';

/**
 * What the plan remembers of a trigger it acted on: its id at its severity. A stored detection
 * whose severity rises keeps its id (docs/detection.md#stable-keys) and acts again, as a new
 * trigger: a bigger jump is worth a new alert. Ids remembered before severities were (a bare id)
 * never equal this, so such a rise acts too.
 */
export function triggerMemory(trigger: Pick<PlanTrigger, 'id' | 'severity'>): string {
  return `${trigger.id}@${trigger.severity}`;
}

/**
 * Detections that may change the plan: not `shoe_mileage` (information only, docs/detection.md) nor any
 * `info` severity, and not already acted on at this severity. Deduplicated by id and ordered by
 * (occurredAt, id) so the result does not depend on input order.
 */
export function planTriggers(detections: readonly PlanTrigger[], seenIds: readonly string[]): PlanTrigger[] {
  const seen = new Set(seenIds);
  const fresh = new Map<string, PlanTrigger>();
  for (const d of detections) {
    if (d.kind === 'shoe_mileage' || d.severity === 'info' || seen.has(triggerMemory(d)) || fresh.has(d.id))
      continue;
    fresh.set(d.id, d);
  }
  return [...fresh.values()].sort(
    (a, b) => a.occurredAt.getTime() - b.occurredAt.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  );
}

export function distinctKinds(triggers: readonly PlanTrigger[]): DetectionKind[] {
  return [...new Set(triggers.map((t) => t.kind))];
}

/** Remembered ids, newest last, bounded so the state stays small. */
export function rememberIds(seenIds: readonly string[], newIds: readonly string[], keep: number): string[] {
  const merged = [...seenIds, ...newIds];
  return merged.slice(Math.max(0, merged.length - keep));
}

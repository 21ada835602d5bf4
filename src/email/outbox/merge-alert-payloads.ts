import type { AlertPayload } from './payloads.js';

/**
 * Folds several pending alerts of one runner into the single email the 24 h
 * rule allows: every trigger, oldest first (an identical detection listed by
 * two rows appears once), and the newest plan, which already includes them all.
 * `payloads` must be ordered oldest first and non-empty.
 */
export function mergeAlertPayloads(payloads: readonly AlertPayload[]): AlertPayload {
  const newest = payloads.at(-1);
  if (!newest) throw new RangeError('nothing to merge');
  const seen = new Set<string>();
  const detections = payloads
    .flatMap((p) => p.detections)
    .filter((d) => {
      const key = JSON.stringify([d.kind, d.message, d.metrics]);
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
  return { detections, plan: newest.plan, ...(newest.timeZone ? { timeZone: newest.timeZone } : {}) };
}

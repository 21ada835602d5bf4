import type { SimContext } from '../context.js';
import type { PlannedEvent } from '../model/activity-events.js';
import type { EventRecord } from '../state.js';

export function publishAll(ctx: SimContext, planned: PlannedEvent[]): EventRecord[] {
  return planned.flatMap((p) => ctx.producer.publish(p));
}

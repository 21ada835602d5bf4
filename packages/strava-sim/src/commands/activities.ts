import type { SimContext } from '../context.js';
import {
  type ActivityFields,
  type ActivityInput,
  addActivity,
  patchActivity,
  removeActivity,
} from '../model/activities.js';
import { planActivityEvents } from '../model/activity-events.js';
import type { EventRecord, SimActivity } from '../state.js';
import { publishAll } from './publish.js';

export type CommandResult<T> = { value: T; events: EventRecord[] };

/** Like an athlete recording a run: the activity appears and subscribers hear `create`. */
export function createActivity(
  ctx: SimContext,
  input: ActivityInput,
  notify = true,
): CommandResult<SimActivity> {
  const activity = addActivity(ctx.state, ctx.clock, input);
  const events = notify
    ? publishAll(ctx, planActivityEvents(ctx.state, { kind: 'create', after: activity }))
    : [];
  return { value: activity, events };
}

/** An edit on strava.com: only title, type and privacy changes produce events. */
export function updateActivity(
  ctx: SimContext,
  id: string,
  patch: ActivityFields,
  notify = true,
): CommandResult<SimActivity> {
  const { before, after } = patchActivity(ctx.state, ctx.clock, id, patch);
  const events = notify
    ? publishAll(ctx, planActivityEvents(ctx.state, { kind: 'update', before, after }))
    : [];
  return { value: after, events };
}

export function deleteActivity(ctx: SimContext, id: string, notify = true): CommandResult<SimActivity> {
  const before = removeActivity(ctx.state, id);
  const events = notify ? publishAll(ctx, planActivityEvents(ctx.state, { kind: 'delete', before })) : [];
  return { value: before, events };
}

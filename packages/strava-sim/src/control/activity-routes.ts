import type { Router } from 'express';
import { createActivity, deleteActivity, updateActivity } from '../commands/activities.js';
import { publishAll } from '../commands/publish.js';
import type { SimContext } from '../context.js';
import { addActivity, requireActivity } from '../model/activities.js';
import { planActivityEvents } from '../model/activity-events.js';
import { readQuery } from '../params.js';
import type { SimActivity } from '../state.js';
import { ZBulkCreateActivities, ZCreateActivity, ZUpdateActivity } from './schemas.js';
import { parseBody } from './validate.js';

function eventIds(events: { id: number }[]): number[] {
  return events.map((e) => e.id);
}

/** Activities: creating, editing and deleting them is what makes the producer send events. */
export function addActivityRoutes(router: Router, ctx: SimContext): void {
  router.get('/activities', (req, res) => {
    const athleteId = readQuery(req, 'athleteId');
    const list = [...ctx.state.activities.values()]
      .filter((a) => athleteId === undefined || a.athlete_id === athleteId)
      .sort((a, b) => b.start_date.localeCompare(a.start_date));
    res.json(list);
  });

  router.post('/activities', (req, res) => {
    const { notify, ...input } = parseBody(ZCreateActivity, req.body);
    const result = createActivity(ctx, input, notify ?? true);
    res.status(201).json({ activity: result.value, events: eventIds(result.events) });
  });

  router.post('/activities/bulk', (req, res) => {
    const body = parseBody(ZBulkCreateActivities, req.body);
    // All or nothing: one bad entry (an unknown gear id) must not leave half a history behind.
    const created: SimActivity[] = [];
    try {
      for (const input of body.activities) created.push(addActivity(ctx.state, ctx.clock, input));
    } catch (err) {
      for (const activity of created) ctx.state.activities.delete(activity.id);
      throw err;
    }
    const events = body.notify
      ? created.flatMap((after) => publishAll(ctx, planActivityEvents(ctx.state, { kind: 'create', after })))
      : [];
    res.status(201).json({ activities: created, events: eventIds(events) });
  });

  router.get('/activities/:id', (req, res) => {
    res.json(requireActivity(ctx.state, req.params.id));
  });

  router.patch('/activities/:id', (req, res) => {
    const { notify, ...patch } = parseBody(ZUpdateActivity, req.body);
    const result = updateActivity(ctx, req.params.id, patch, notify ?? true);
    res.json({ activity: result.value, events: eventIds(result.events) });
  });

  router.delete('/activities/:id', (req, res) => {
    const result = deleteActivity(ctx, req.params.id, readQuery(req, 'notify') !== 'false');
    res.json({ activity: result.value, events: eventIds(result.events) });
  });
}

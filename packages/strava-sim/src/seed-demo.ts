import type { SimContext } from './context.js';
import { addActivity } from './model/activities.js';
import { addAthlete, addShoe } from './model/athletes.js';

const DAY_MS = 86_400_000;

/**
 * A sandbox athlete with something to look at: two shoes and eight weeks of steady running
 * (four runs a week), no events sent. Deterministic apart from the current date.
 */
export function seedDemoAthlete(ctx: SimContext): void {
  const athlete = addAthlete(ctx.state, ctx.clock, { firstname: 'Alex', lastname: 'Demo' });
  const daily = addShoe(ctx.state, ctx.clock, athlete.id, {
    name: 'Daily trainer',
    distance: 350_000,
    primary: true,
  });
  addShoe(ctx.state, ctx.clock, athlete.id, { name: 'Race flats', distance: 42_000 });
  const today = Math.floor(ctx.clock.nowMs() / DAY_MS) * DAY_MS;
  const pattern = [6000, 8000, 6000, 12000];
  for (let week = 8; week >= 1; week--) {
    pattern.forEach((distance, i) => {
      const start = today - week * 7 * DAY_MS + i * 2 * DAY_MS + 15 * 3_600_000;
      addActivity(ctx.state, ctx.clock, {
        athleteId: athlete.id,
        distance,
        start_date: new Date(start).toISOString(),
        gear_id: daily.id,
        has_heartrate: true,
        average_heartrate: 140 + i * 3,
        workout_type: i === 3 ? 2 : null,
      });
    });
  }
}

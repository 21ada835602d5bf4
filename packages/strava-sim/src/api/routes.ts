import { getActivityById, listAthleteActivities } from './activities.js';
import { getAuthenticatedAthlete } from './athlete.js';
import { getGearById } from './gear.js';
import {
  createPushSubscription,
  deletePushSubscription,
  listPushSubscriptions,
} from './push-subscriptions.js';
import type { ApiRoute } from './route-types.js';

/** Every endpoint served under /api/v3 (besides the /oauth aliases). The router is built from this. */
export const API_ROUTES: readonly ApiRoute[] = [
  getAuthenticatedAthlete,
  listAthleteActivities,
  getActivityById,
  getGearById,
  createPushSubscription,
  listPushSubscriptions,
  deletePushSubscription,
];

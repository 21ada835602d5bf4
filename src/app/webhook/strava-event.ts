/**
 * One Strava webhook event after validation (docs/webhooks.md). Ids are decimal
 * strings because they can exceed 2^53 (docs/strava-api.md#large-ids); `eventTime` is Unix
 * seconds and always a safe integer (the schema bounds it).
 */
export type StravaEvent = {
  objectType: 'activity' | 'athlete';
  objectId: string;
  aspectType: 'create' | 'update' | 'delete';
  ownerId: string;
  subscriptionId: string;
  eventTime: number;
  updates: Readonly<Record<string, string>>;
};

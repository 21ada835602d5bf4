/**
 * One Strava webhook event after validation (SPEC §4). Ids are decimal
 * strings because they can exceed 2^53 (API.md gotcha 10); `eventTime` is Unix
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

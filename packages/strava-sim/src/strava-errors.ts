import type { Response } from 'express';
import { stringifyWithRawInts } from './raw-json.js';

/** Strava's error body ("Fault"): a message plus resource/field/code triples. */
export type StravaFault = {
  message: string;
  errors: { resource: string; field: string; code: string }[];
};

export function fault(message: string, resource: string, field: string, code: string): StravaFault {
  return { message, errors: [{ resource, field, code }] };
}

/** The exact bodies documented in docs/strava-api.md, kept in one place so every route agrees. */
export const FAULTS = {
  rateLimited: fault('Rate Limit Exceeded', 'Application', 'rate limit', 'exceeded'),
  invalidAccessToken: fault('Authorization Error', 'Athlete', 'access_token', 'invalid'),
  missingActivityRead: fault('Authorization Error', 'AccessToken', 'activity:read_permission', 'missing'),
  missingRead: fault('Authorization Error', 'AccessToken', 'read_permission', 'missing'),
  invalidRefreshToken: fault('Bad Request', 'RefreshToken', 'refresh_token', 'invalid'),
  invalidCode: fault('Bad Request', 'AuthorizationCode', 'code', 'invalid'),
  invalidClientId: fault('Bad Request', 'Application', 'client_id', 'invalid'),
  invalidClientSecret: fault('Authorization Error', 'Application', 'client_secret', 'invalid'),
  invalidRedirectUri: fault('Bad Request', 'Application', 'redirect_uri', 'invalid'),
  invalidResponseType: fault('Bad Request', 'Application', 'response_type', 'invalid'),
  invalidScope: fault('Bad Request', 'Application', 'scope', 'invalid'),
  invalidGrantType: fault('Bad Request', 'Application', 'grant_type', 'invalid'),
  activityNotFound: fault('Record Not Found', 'Activity', 'id', 'invalid'),
  gearNotFound: fault('Record Not Found', 'Gear', 'id', 'invalid'),
  subscriptionNotFound: fault('Record Not Found', 'PushSubscription', 'id', 'invalid'),
  routeNotFound: fault('Record Not Found', 'resource', 'path', 'invalid'),
  subscriptionExists: fault('Bad Request', 'PushSubscription', '', 'already exists'),
  callbackNotVerified: fault(
    'Bad Request',
    'PushSubscription',
    'callback url',
    'GET to callback URL does not return 200',
  ),
  callbackUrlMissing: fault('Bad Request', 'PushSubscription', 'callback_url', 'invalid'),
  verifyTokenMissing: fault('Bad Request', 'PushSubscription', 'verify_token', 'invalid'),
} as const satisfies Record<string, StravaFault>;

export function serverErrorFault(status: number): StravaFault {
  const message =
    status === 503 ? 'Service Unavailable' : status === 502 ? 'Bad Gateway' : 'Internal Server Error';
  return { message, errors: [] };
}

/** Sends JSON the way Strava does: big ids (marked with rawInt) as bare numbers. */
export function sendJson(res: Response, status: number, body: unknown): void {
  res.status(status).type('application/json; charset=utf-8').send(stringifyWithRawInts(body));
}

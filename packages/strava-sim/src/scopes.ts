/** The OAuth scopes Strava knows (swagger.json securityDefinitions). */
export const KNOWN_SCOPES = [
  'read',
  'read_all',
  'profile:read_all',
  'profile:write',
  'activity:read',
  'activity:read_all',
  'activity:write',
] as const;

export type Scope = (typeof KNOWN_SCOPES)[number];

export const SCOPE_DESCRIPTIONS: Record<Scope, string> = {
  read: 'View data about your public segments, routes, profile, posts, events, club feeds and leaderboards',
  read_all: 'View data about your private routes, segments and events',
  'profile:read_all': 'View your complete Strava profile, including gear',
  'profile:write': 'Update your weight and FTP, and star or unstar segments',
  'activity:read': 'View data about your activities visible to Everyone and Followers',
  'activity:read_all': 'View data about all your activities, including Only You activities',
  'activity:write': 'Upload activities and edit activities visible to this app',
};

export function isKnownScope(value: string): value is Scope {
  return (KNOWN_SCOPES as readonly string[]).includes(value);
}

/** Strava separates scopes with commas; tolerate spaces too. Order kept, duplicates removed. */
export function parseScopeList(value: string): string[] {
  const seen = new Set<string>();
  for (const part of value.split(/[\s,]+/)) {
    if (part) seen.add(part);
  }
  return [...seen];
}

export function canReadActivities(scopes: readonly string[]): boolean {
  return scopes.includes('activity:read') || scopes.includes('activity:read_all');
}

export function canReadPrivateActivities(scopes: readonly string[]): boolean {
  return scopes.includes('activity:read_all');
}

export function canReadFullProfile(scopes: readonly string[]): boolean {
  return scopes.includes('profile:read_all');
}

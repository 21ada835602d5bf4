import type { Request } from 'express';

function firstString(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return firstString(value[0]);
  return undefined;
}

function bodyRecord(req: Request): Record<string, unknown> {
  const body: unknown = req.body;
  return body !== null && typeof body === 'object' && !Array.isArray(body)
    ? (body as Record<string, unknown>)
    : {};
}

/** Strava reads parameters from the form body, a JSON body or the query string alike. */
export function readParam(req: Request, name: string): string | undefined {
  return firstString(bodyRecord(req)[name]) ?? firstString((req.query as Record<string, unknown>)[name]);
}

/** Every value of a repeated form field (checkboxes), as strings. */
export function readParamList(req: Request, name: string): string[] {
  const value = bodyRecord(req)[name] ?? (req.query as Record<string, unknown>)[name];
  if (value === undefined) return [];
  const list = Array.isArray(value) ? value : [value];
  return list.filter((v): v is string => typeof v === 'string');
}

export function readQuery(req: Request, name: string): string | undefined {
  return firstString((req.query as Record<string, unknown>)[name]);
}

export function readBearerToken(req: Request): string | undefined {
  const header = req.get('authorization');
  const match = header ? /^Bearer\s+(\S+)$/i.exec(header) : null;
  return match?.[1];
}

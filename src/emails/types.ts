import type { DetectionKind, Severity } from '../domain/types.js';

/** What every render function returns; `headers` are extra headers, already sanitized. */
export type RenderedEmail = {
  subject: string;
  text: string;
  html: string;
  headers: Record<string, string>;
};

/** A detection as the emails need it (messages are already human-readable, in the runner's units). */
export type EmailDetection = {
  kind: DetectionKind;
  message: string;
  metrics: Record<string, number | string | null>;
  severity?: Severity;
  /** The Strava activity name, when known (shown in the subject for a single long run). */
  activityName?: string | null;
};

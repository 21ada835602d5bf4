import type { DetectionKind, Severity } from '../../domain/types.js';

/** What every render function returns; `headers` are extra headers, already sanitized. */
export type RenderedEmail = {
  subject: string;
  text: string;
  html: string;
  headers: Record<string, string>;
};

/**
 * A detection as the emails need it. The text is rebuilt from `metrics` in the runner's units at
 * send time; `message` (as stored) is only the fallback for rows queued before `localDate` was.
 */
export type EmailDetection = {
  kind: DetectionKind;
  message: string;
  metrics: Record<string, number | string | null>;
  severity?: Severity;
  /** The run's local day, YYYY-MM-DD. */
  localDate?: string;
};

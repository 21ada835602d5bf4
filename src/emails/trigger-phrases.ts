import type { EmailDetection } from './types.js';

/** Short plain-language phrases for subjects ("what happened in plain words", SPEC §7). */

function percent(metrics: EmailDetection['metrics']): number | null {
  const value = metrics.increasePct;
  return typeof value === 'number' && Number.isFinite(value) ? Math.round(value) : null;
}

/** e.g. `your run "Hill reps" was 45% longer than usual`; `name` must already be one safe line. */
export function describeTrigger(detection: EmailDetection, name: string): string {
  const pct = percent(detection.metrics);
  switch (detection.kind) {
    case 'session_spike': {
      const run = name ? `your run "${name}"` : 'your run';
      return pct === null ? `${run} was longer than usual` : `${run} was ${pct}% longer than usual`;
    }
    case 'weekly_ramp':
      return pct === null ? 'your weekly distance jumped' : `your weekly distance jumped ${pct}%`;
    case 'intensity_ramp':
      return 'your training got harder this week';
    case 'gear_change':
      return 'you switched to a different pair of shoes';
    case 'shoe_mileage':
      return 'your shoes have covered a lot of distance';
  }
}

/** Joins up to two phrases; more become "and more" so the subject stays short. */
export function joinPhrases(phrases: readonly string[]): string {
  const unique = [...new Set(phrases)];
  if (unique.length <= 2) return unique.join(' and ');
  return `${unique.slice(0, 2).join(', ')} and more`;
}

export function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

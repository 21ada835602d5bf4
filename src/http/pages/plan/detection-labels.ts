import { KIND_HEADINGS } from '../../../domain/detection-text.js';
import type { DetectionKind } from '../../../domain/types.js';

/** Plain names for detection kinds (the same headings as the alert email), and the chart markers. */

export function kindLabel(kind: string): string {
  return KIND_HEADINGS[kind as DetectionKind] ?? 'Training change';
}

/** Chart markers: only kinds that change the plan (shoe mileage is information only). */
export const CHART_MARKERS: readonly { kind: string; letter: string; label: string }[] = [
  { kind: 'session_spike', letter: 'S', label: 'longer run than usual' },
  { kind: 'weekly_ramp', letter: 'W', label: 'weekly distance jump' },
  { kind: 'intensity_ramp', letter: 'I', label: 'harder training week' },
  { kind: 'gear_change', letter: 'N', label: 'new or long-unused shoes' },
];

/** Severity names the size of the jump, never a measured risk (docs/detection.md); shoe kinds have none worth showing. */
export function severityText(kind: string, severity: string): string | null {
  if (kind === 'gear_change' || kind === 'shoe_mileage' || severity === 'info') return null;
  return `size of jump: ${severity}`;
}

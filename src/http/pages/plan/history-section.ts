import { formatDayLabel } from '../../../domain/messages.js';
import type { PlanHistoryJson } from '../../../domain/plan-view.js';
import { formatDay } from '../../../email/templates/format.js';
import { html, type SafeHtml } from '../html.js';
import { kindLabel } from './detection-labels.js';
import type { DetectionRow } from './load-plan-page.js';

const PHASE_NAMES = { daily: 'Daily', taper: 'Taper', maintenance: 'Maintenance' } as const;

/** Why a version exists: its detections when a ramp raised it, otherwise what the phase change means. */
function reasonText(
  version: PlanHistoryJson,
  isFirst: boolean,
  byId: ReadonlyMap<string, DetectionRow>,
): string {
  if (version.reasons.length > 0) {
    const named = version.reasons.map((id) => {
      const d = byId.get(id);
      return d
        ? `${kindLabel(d.kind).toLowerCase()} (${formatDayLabel(d.localDate)})`
        : 'an earlier detection';
    });
    return `Raised after: ${[...new Set(named)].join('; ')}.`;
  }
  if (isFirst) return 'Plan started when you connected: daily at first, as a physical therapist would start.';
  if (version.phase === 'taper') return 'Tapered: no new ramp for two weeks and your knee felt able.';
  if (version.phase === 'maintenance') return 'Maintenance: two more ramp-free weeks without pain.';
  return 'Back to daily exercises.';
}

/** Every plan version, newest first, with its date and reason (docs/plan.md: every change is stored with its reasons). */
export function historySection(
  history: readonly PlanHistoryJson[],
  byId: ReadonlyMap<string, DetectionRow>,
  timeZone: string,
): SafeHtml {
  return html`<section class="card" aria-labelledby="history-title">
<h2 id="history-title">Plan history</h2>
<ol class="history" reversed>${history.map(
    (v, i) =>
      html`<li><strong>${formatDay(v.since, timeZone)}: ${PHASE_NAMES[v.phase]}, ${v.sessionsPerWeek} sessions a week.</strong> ${reasonText(v, i === history.length - 1, byId)}</li>`,
  )}</ol>
</section>`;
}

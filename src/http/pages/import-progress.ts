import type { RunnerRow } from '../../app/runner/load-runner.js';
import { html, type SafeHtml } from './html.js';

type Backfill = Pick<RunnerRow, 'backfillStatus' | 'backfillRuns'>;

/** True while the first read of the runner's history is still going. */
export function isImporting(runner: Backfill): boolean {
  return runner.backfillStatus === 'pending' || runner.backfillStatus === 'running';
}

function runsText(count: number): string {
  return `${count} ${count === 1 ? 'run' : 'runs'}`;
}

/** How the background read of the last 12 weeks is going (docs/contract.md#connect). */
export function importProgress(runner: Backfill, refreshPath: string): SafeHtml {
  switch (runner.backfillStatus) {
    case 'pending':
    case 'running':
      return html`<p role="status">Reading your last 12 weeks of runs from Strava… ${runsText(runner.backfillRuns)} read so far. <a href="${refreshPath}">Check again</a></p>`;
    case 'done':
      return html`<p role="status">Done: RampGuard read ${runsText(runner.backfillRuns)} from your last 12 weeks. Detection has a baseline from day one.</p>`;
    case 'failed':
      return html`<p role="status">RampGuard could not read your history from Strava yet. It will try again by itself; nothing for you to do.</p>`;
  }
}

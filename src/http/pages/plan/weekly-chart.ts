import type { WeekDistance } from '../../../domain/load-context.js';
import { formatDayLabel } from '../../../domain/messages.js';
import type { Units } from '../../../domain/types.js';
import { html, type SafeHtml } from '../html.js';
import { CHART_MARKERS } from './detection-labels.js';

const METERS_PER_MILE = 1609.344;

// viewBox geometry, sized for a phone (drawn about 310 px wide: axis text near 11 px);
// the stylesheet caps the width on desktop so the text never grows huge. TOP leaves room above
// the tallest bar for two rows of trigger letters, so they stay inside the drawing.
const WIDTH = 340;
const HEIGHT = 212;
const LEFT = 30;
const RIGHT = 4;
const TOP = 38;
const BOTTOM = 22;
const PLOT_W = WIDTH - LEFT - RIGHT;
const PLOT_H = HEIGHT - TOP - BOTTOM;
/** Trigger letters: at most two a row, rows stacked upwards from just above the bar. */
const MARKER_FONT = 12;
const MARKER_ROW = 15;
const MARKERS_PER_ROW = 2;
/** Generous advance widths (bold capitals, week labels) for keeping text inside the drawing. */
const MARKER_ADVANCE = 9;
const LABEL_ADVANCE = 6.5;

export type ChartWeek = WeekDistance & { markers: string[] };

type MarkedDetection = { kind: string; localDate: string };

/** Each week with the marker letters of the detections whose run falls in it. */
export function markWeeks(weeks: readonly WeekDistance[], found: readonly MarkedDetection[]): ChartWeek[] {
  return weeks.map((week) => {
    const kinds = new Set(
      found.filter((d) => d.localDate >= week.weekStart && d.localDate <= week.weekEnd).map((d) => d.kind),
    );
    return { ...week, markers: CHART_MARKERS.filter((m) => kinds.has(m.kind)).map((m) => m.letter) };
  });
}

function inUnits(meters: number, units: Units): number {
  return units === 'imperial' ? meters / METERS_PER_MILE : meters / 1000;
}

/** A round axis maximum (1, 2, 2.5 or 5 × 10^n) at or above the largest week. */
function niceMax(value: number): number {
  if (value <= 0) return 10;
  const power = 10 ** Math.floor(Math.log10(value));
  const step = [1, 2, 2.5, 5, 10].find((s) => s * power >= value) ?? 10;
  return step * power;
}

function round1(value: number): string {
  return (Math.round(value * 10) / 10).toFixed(1);
}

/** `x` moved inward so a text `width` wide, centred on it, stays inside the plot's columns. */
function clampCentre(x: number, width: number): number {
  return Math.min(Math.max(x, LEFT + width / 2), WIDTH - RIGHT - width / 2);
}

/**
 * A week's trigger letters above its bar: two a row, the first row just above the bar and any
 * further row above it. TOP keeps room for two rows above even the tallest bar, and each row is
 * kept inside the plot's columns, so no letter leaves the drawing on a phone or a desktop.
 */
function markerRows(letters: readonly string[], centre: number, barTop: number): SafeHtml {
  const rows: string[][] = [];
  for (let i = 0; i < letters.length; i += MARKERS_PER_ROW) rows.push(letters.slice(i, i + MARKERS_PER_ROW));
  return html`${rows.map((row, r) => {
    const x = clampCentre(centre, row.length * MARKER_ADVANCE);
    const y = barTop - 5 - r * MARKER_ROW;
    return html`<text class="marker" x="${x.toFixed(1)}" y="${y.toFixed(1)}" text-anchor="middle" font-size="${MARKER_FONT}" font-weight="700" fill="#92400e">${row.join('')}</text>`;
  })}`;
}

/** The date (or "Today") under a bar, kept inside the drawing at either end. */
function weekLabel(text: string, centre: number): SafeHtml {
  const x = clampCentre(centre, text.length * LABEL_ADVANCE);
  return html`<text x="${x.toFixed(1)}" y="${HEIGHT - BOTTOM + 16}" text-anchor="middle" font-size="11.5" fill="#374151">${text}</text>`;
}

function markerText(letters: readonly string[]): string {
  return letters.map((l) => CHART_MARKERS.find((m) => m.letter === l)?.label ?? l).join(', ');
}

/**
 * Distance per week for the last 12 weeks as an inline SVG bar chart (no
 * script, no external asset), in the runner's units, with letters above the
 * weeks that had spikes, ramps or shoe changes. Screen readers get the
 * `<title>`/`<desc>` and a visually hidden table with every number.
 */
export function weeklyChart(weeks: readonly ChartWeek[], units: Units): SafeHtml {
  const unit = units === 'imperial' ? 'mi' : 'km';
  const values = weeks.map((w) => inUnits(w.distanceM, units));
  const max = niceMax(Math.max(0, ...values));
  const slot = PLOT_W / Math.max(weeks.length, 1);
  const barW = Math.min(22, slot * 0.7);
  const y = (v: number) => TOP + PLOT_H - (v / max) * PLOT_H;
  const ticks = [0, max / 2, max];
  const first = weeks[0];
  const last = weeks.at(-1);
  const range = first && last ? `${formatDayLabel(first.weekStart)} to ${formatDayLabel(last.weekEnd)}` : '';
  const total = values.reduce((s, v) => s + v, 0);
  const marked = weeks.filter((w) => w.markers.length > 0).length;

  const bars = weeks.map((week, i) => {
    const value = values[i] ?? 0;
    const x = LEFT + i * slot + (slot - barW) / 2;
    const top = y(value);
    const labelX = x + barW / 2;
    // Every other week is labelled (counted back from today) so labels never collide on a phone.
    const labelled = (weeks.length - 1 - i) % 2 === 0;
    return html`<rect x="${x.toFixed(1)}" y="${top.toFixed(1)}" width="${barW.toFixed(1)}" height="${(TOP + PLOT_H - top).toFixed(1)}" fill="${i === weeks.length - 1 ? '#1e3a8a' : '#2563eb'}" rx="2"></rect>
${markerRows(week.markers, labelX, top)}
${labelled ? weekLabel(i === weeks.length - 1 ? 'Today' : formatDayLabel(week.weekEnd).slice(4), labelX) : ''}`;
  });
  const grid = ticks.map(
    (
      t,
    ) => html`<line x1="${LEFT}" x2="${WIDTH - RIGHT}" y1="${y(t).toFixed(1)}" y2="${y(t).toFixed(1)}" stroke="#d1d5db" stroke-width="1"></line>
<text x="${LEFT - 5}" y="${(y(t) + 4).toFixed(1)}" text-anchor="end" font-size="12" fill="#374151">${Number.isInteger(t) ? t : t.toFixed(1)}</text>`,
  );

  return html`<figure class="chart-figure">
<svg class="chart" viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-labelledby="chart-title chart-desc" xmlns="http://www.w3.org/2000/svg">
<title id="chart-title">Distance per week, last 12 weeks (${unit})</title>
<desc id="chart-desc">Bar chart of weekly running distance from ${range}: ${round1(total)} ${unit} in total. ${marked === 0 ? 'No week had a ramp or shoe change.' : `${marked} ${marked === 1 ? 'week is' : 'weeks are'} marked with what was detected.`} The table below has every number.</desc>
<text x="${LEFT - 5}" y="${TOP - 14}" text-anchor="end" font-size="12.5" font-weight="700" fill="#1f2937">${unit}</text>
${grid}
${bars}
</svg>
<figcaption class="small">
<p class="muted">${unit} per week: each bar is the 7 days ending on the date below it; letters mark what was detected that week.</p>
<ul class="legend">${CHART_MARKERS.map((m) => html`<li><strong>${m.letter}</strong> = ${m.label}</li>`)}</ul>
</figcaption>
</figure>
<div class="visually-hidden">
<table>
<caption>Distance per week, last 12 weeks</caption>
<thead><tr><th scope="col">Week</th><th scope="col">Distance (${unit})</th><th scope="col">Detected</th></tr></thead>
<tbody>${weeks.map(
    (w, i) =>
      html`<tr><th scope="row">${formatDayLabel(w.weekStart)} to ${formatDayLabel(w.weekEnd)}</th><td>${round1(values[i] ?? 0)}</td><td>${w.markers.length > 0 ? markerText(w.markers) : 'nothing'}</td></tr>`,
  )}</tbody>
</table>
</div>`;
}

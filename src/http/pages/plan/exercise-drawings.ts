import type { ExerciseId } from '../../../domain/types.js';
import { html, type SafeHtml, trustedHtml } from '../html.js';

/*
 * Simple stick-figure drawings, inline so they cost no request and work
 * offline. Each is an `img` with a text alternative; the steps beside it say
 * everything the drawing shows.
 */

const BODY = 'stroke="#1f2937" stroke-width="7" stroke-linecap="round" stroke-linejoin="round" fill="none"';
const FLOOR = html`<line x1="8" y1="104" x2="232" y2="104" stroke="#9ca3af" stroke-width="3"></line>`;
const ARROW = 'stroke="#b45309" stroke-width="3" fill="none" stroke-linecap="round" stroke-linejoin="round"';

function svg(label: string, content: SafeHtml): SafeHtml {
  return html`<svg viewBox="0 0 240 116" role="img" aria-label="${label}" xmlns="http://www.w3.org/2000/svg">${FLOOR}${content}</svg>`;
}

/** Lying on the back, one straight leg raised with the heel about 15 cm off the floor. */
function legRaise(): SafeHtml {
  const body = html`<g ${trusted(BODY)}>
<polyline points="52,94 128,94"></polyline>
<polyline points="128,94 214,96"></polyline>
<polyline points="128,94 208,64"></polyline>
<polyline points="62,96 106,99"></polyline>
</g>
<circle cx="38" cy="90" r="12" fill="#1f2937"></circle>
<g ${trusted(ARROW)}><path d="M222 84 L222 56"></path><path d="M215 63 L222 54 L229 63"></path></g>`;
  return svg('Drawing: lying on your back with one straight leg raised a little off the floor', body);
}

/** Shoulders on the floor, knees bent, feet flat, hips lifted so the body forms a bridge. */
function gluteBridge(): SafeHtml {
  const body = html`<g ${trusted(BODY)}>
<polyline points="48,96 122,62"></polyline>
<polyline points="122,62 168,50 178,100"></polyline>
<polyline points="56,99 104,100"></polyline>
</g>
<circle cx="34" cy="92" r="12" fill="#1f2937"></circle>
<g ${trusted(ARROW)}><path d="M122 50 L122 22"></path><path d="M115 29 L122 20 L129 29"></path></g>`;
  return svg('Drawing: glute bridge, lying on your back with knees bent and hips lifted into a bridge', body);
}

/** The bridge on one leg: the other leg straight, thighs level. */
function singleLegBridge(): SafeHtml {
  const body = html`<g ${trusted(BODY)}>
<polyline points="48,96 122,62"></polyline>
<polyline points="122,62 168,50 178,100"></polyline>
<polyline points="122,62 168,50 226,40"></polyline>
<polyline points="56,99 104,100"></polyline>
</g>
<circle cx="34" cy="92" r="12" fill="#1f2937"></circle>
<g ${trusted(ARROW)}><path d="M122 50 L122 22"></path><path d="M115 29 L122 20 L129 29"></path></g>`;
  return svg(
    'Drawing: single-leg glute bridge, hips lifted with one foot on the floor and the other leg straight',
    body,
  );
}

export function exerciseDrawing(id: ExerciseId, variant: string): SafeHtml {
  if (id === 'leg-raise') return legRaise();
  return variant === 'single-leg' ? singleLegBridge() : gluteBridge();
}

// Attribute strings above are constants of this file, never data.
function trusted(attributes: string): SafeHtml {
  return trustedHtml(attributes);
}

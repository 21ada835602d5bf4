/**
 * The page kit's one rule: `html` escapes every interpolated value unless it is
 * itself `html` output, so runner and Strava data (activity and shoe names,
 * first names, emails) can never become markup.
 */
export type SafeHtml = { readonly html: string };

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

const SAFE = Symbol('safe-html');

function isSafe(value: unknown): value is SafeHtml {
  return typeof value === 'object' && value !== null && SAFE in value;
}

/** Marks our own constant markup (the stylesheet, never runner data) as safe. */
export function trustedHtml(markup: string): SafeHtml {
  return { html: markup, [SAFE]: true } as SafeHtml;
}

function piece(value: unknown): string {
  if (value === null || value === undefined || value === false) return '';
  if (Array.isArray(value)) return value.map(piece).join('');
  if (isSafe(value)) return value.html;
  return escapeHtml(String(value));
}

export function html(strings: TemplateStringsArray, ...values: unknown[]): SafeHtml {
  let out = strings[0] ?? '';
  values.forEach((value, i) => {
    out += piece(value) + (strings[i + 1] ?? '');
  });
  return trustedHtml(out);
}

import type { Response } from 'express';

/**
 * A tiny server-rendered page kit shared by the unsubscribe and email
 * verification pages: `html` escapes every interpolated value unless it is
 * itself `html` output, so runner data can never become markup.
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

/** Marks our own constant markup as safe; never call it with runner data. */
function trusted(markup: string): SafeHtml {
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
  return trusted(out);
}

export type PageInput = { title: string; body: SafeHtml; sandbox?: boolean };

const STYLE = `body{margin:0;font-family:-apple-system,BlinkMacSystemFont,'Segoe UI',Roboto,Helvetica,Arial,sans-serif;background:#f3f4f6;color:#1f2937}
main{max-width:32rem;margin:2rem auto;padding:1.5rem;background:#fff;border-radius:8px}
h1{font-size:1.5rem;margin:0 0 1rem}p{line-height:1.5}
button{font-size:1rem;padding:.75rem 1.25rem;border:0;border-radius:6px;background:#fc4c02;color:#fff;cursor:pointer}
button:focus-visible,a:focus-visible{outline:3px solid #1d4ed8;outline-offset:2px}
.banner{background:#fef3c7;color:#78350f;padding:.5rem 1rem;text-align:center}`;

export function renderPage({ title, body, sandbox }: PageInput): string {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${title} · RampGuard</title>
<style>${trusted(STYLE)}</style>
</head>
<body>
${sandbox ? html`<p class="banner" role="status">Sandbox mode: RampGuard is using its built-in Strava simulator.</p>` : ''}
<main>
<h1>${title}</h1>
${body}
</main>
</body>
</html>
`.html;
}

/**
 * Token pages: never cached, and the token in the URL is never sent on as a
 * referrer (the page links to /plan).
 */
export function sendPage(res: Response, status: number, page: PageInput): void {
  res
    .status(status)
    .set({ 'Cache-Control': 'no-store', 'Referrer-Policy': 'no-referrer' })
    .type('html')
    .send(renderPage(page));
}

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
  '`': '&#96;',
};

/** Every dynamic value in the simulator's pages goes through this: names come from testers. */
export function escapeHtml(value: unknown): string {
  return String(value ?? '').replace(/[&<>"'`]/g, (ch) => ESCAPES[ch] ?? ch);
}

/** Tagged template that escapes interpolations unless they are already-rendered `SafeHtml`. */
export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

type HtmlValue = SafeHtml | string | number | boolean | null | undefined | readonly HtmlValue[];

function render(value: HtmlValue): string {
  if (value instanceof SafeHtml) return value.value;
  if (Array.isArray(value)) return value.map((v: HtmlValue) => render(v)).join('');
  return escapeHtml(value);
}

export function html(strings: TemplateStringsArray, ...values: HtmlValue[]): SafeHtml {
  let out = strings[0] ?? '';
  values.forEach((value, i) => {
    out += render(value) + (strings[i + 1] ?? '');
  });
  return new SafeHtml(out);
}

const STYLE = `*,*::before,*::after{box-sizing:border-box}
body{font-family:system-ui,sans-serif;max-width:60rem;margin:0 auto;padding:0 .75rem 1rem;line-height:1.4;font-size:16px}
.banner{background:#fc5200;color:#fff;padding:.5rem 1rem;font-weight:bold;margin:0 -.75rem}
fieldset{margin:1rem 0;min-width:0}label{display:inline-block;margin:.2rem 0}
.field{margin:.5rem 0}.field label{display:block;font-weight:600}.hint{margin:.25rem 0 .5rem;color:#374151}
input,select{font:inherit;max-width:100%;min-height:44px;padding:.3rem .5rem}
.field input,.field select{width:100%;max-width:24rem}
.scroll{overflow-x:auto;max-width:100%}
table{border-collapse:collapse;width:100%}th,td{border:1px solid #999;padding:.2rem .4rem;text-align:left;font-size:.9rem}
td form{display:flex;flex-wrap:wrap;gap:.25rem;align-items:center}
button{font:inherit;min-height:44px;padding:.4rem .9rem;margin:.2rem}.error{color:#a00000;font-weight:bold}
code{overflow-wrap:anywhere}`;

/** A complete accessible page: language, title, landmark, visible simulator banner. */
export function renderPage(title: string, body: SafeHtml): string {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<style>${new SafeHtml(STYLE)}</style>
</head>
<body>
<p class="banner" role="note">Strava simulator: nothing here talks to the real Strava.</p>
<main>
${body}
</main>
</body>
</html>`.value;
}

import { GUIDANCE_NOTE, STRAVA_ATTRIBUTION } from './format.js';
import { compileHtml } from './templates.js';

/**
 * The shared HTML shell: a single 600 px column that shrinks to the screen on phones, table-based
 * and inline-styled because many mail clients drop <style> blocks and ignore flexbox.
 */

export const STYLE = {
  h1: 'margin:0 0 16px;font-size:22px;line-height:1.3;color:#111827;',
  h2: 'margin:24px 0 8px;font-size:18px;line-height:1.3;color:#111827;',
  h3: 'margin:0 0 8px;font-size:16px;line-height:1.3;color:#111827;',
  muted: 'font-weight:normal;color:#6b7280;',
  p: 'margin:0 0 12px;font-size:16px;line-height:1.5;color:#1f2937;',
  small: 'margin:0 0 8px;font-size:13px;line-height:1.5;color:#6b7280;',
  button:
    'display:inline-block;padding:12px 20px;margin:4px 8px 4px 0;border-radius:6px;background:#fc4c02;color:#ffffff;font-size:16px;font-weight:bold;text-decoration:none;',
  secondaryButton:
    'display:inline-block;padding:10px 16px;margin:4px 8px 4px 0;border-radius:6px;border:1px solid #d1d5db;background:#ffffff;color:#111827;font-size:16px;text-decoration:none;',
  box: 'margin:0 0 12px;padding:12px 16px;border-radius:6px;background:#f9fafb;border:1px solid #e5e7eb;',
  warn: 'margin:0 0 12px;padding:12px 16px;border-radius:6px;background:#fef3c7;border:1px solid #f59e0b;font-size:16px;line-height:1.5;color:#78350f;',
  td: 'padding:4px 12px 4px 0;font-size:15px;color:#1f2937;vertical-align:top;',
  li: 'margin:0 0 6px;font-size:15px;line-height:1.5;color:#1f2937;',
} as const;

export type LayoutInput = {
  /** The document title (also the heading). Escaped. */
  title: string;
  /** Hidden preview text most clients show next to the subject. Escaped. */
  preheader: string;
  /** Trusted HTML produced by our own escaping templates. */
  bodyHtml: string;
  /** Shown in the footer when the email belongs to a list (alerts, reminders). */
  unsubscribeUrl?: string;
  /** Verification emails are not guidance; they skip the medical note. */
  showGuidance?: boolean;
};

const render = compileHtml<
  LayoutInput & { style: typeof STYLE; guidance: string; attribution: string }
>(`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="x-apple-disable-message-reformatting">
<title><%= it.title %></title>
</head>
<body style="margin:0;padding:0;background:#f3f4f6;-webkit-text-size-adjust:100%;">
<div style="display:none;max-height:0;overflow:hidden;opacity:0;"><%= it.preheader %></div>
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="background:#f3f4f6;">
<tr><td align="center" style="padding:16px 8px;">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="max-width:600px;width:100%;background:#ffffff;border-radius:8px;">
<tr><td style="padding:24px 20px;font-family:-apple-system,BlinkMacSystemFont,'Segoe UI',Roboto,Helvetica,Arial,sans-serif;">
<h1 style="<%= it.style.h1 %>"><%= it.title %></h1>
<%~ it.bodyHtml %>
<% if (it.showGuidance !== false) { %>
<p style="<%= it.style.small %>"><%= it.guidance %></p>
<% } %>
<hr style="border:none;border-top:1px solid #e5e7eb;margin:20px 0 12px;">
<p style="<%= it.style.small %>"><strong><%= it.attribution %></strong></p>
<% if (it.unsubscribeUrl) { %>
<p style="<%= it.style.small %>">You get these emails because you connected RampGuard to Strava. <a href="<%= it.unsubscribeUrl %>" style="color:#6b7280;">Unsubscribe</a></p>
<% } %>
</td></tr>
</table>
</td></tr>
</table>
</body>
</html>
`);

export function renderLayout(input: LayoutInput): string {
  return render({ ...input, style: STYLE, guidance: GUIDANCE_NOTE, attribution: STRAVA_ATTRIBUTION });
}

/** The plain-text footer matching the HTML one. */
export function textFooter(options: { unsubscribeUrl?: string; showGuidance?: boolean }): string {
  const lines = ['', '--'];
  if (options.showGuidance !== false) lines.push(GUIDANCE_NOTE, '');
  lines.push(STRAVA_ATTRIBUTION);
  if (options.unsubscribeUrl) {
    lines.push(
      '',
      'You get these emails because you connected RampGuard to Strava.',
      `Unsubscribe: ${options.unsubscribeUrl}`,
    );
  }
  return lines.join('\n');
}

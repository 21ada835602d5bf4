import { Router } from 'express';
import type { AppDeps } from '../../../app/deps.js';
import { notFound } from '../../errors.js';
import { html, type SafeHtml } from '../../pages/html.js';
import { SANDBOX_MAIL_PATH, sendPrivatePage } from '../../pages/layout.js';
import { siteOf } from '../../pages/page-session.js';
import { loadSession } from '../../session/load-session.js';
import { isMailId, listMail, type MailMessage, readMail } from './mailbox.js';

export { SANDBOX_MAIL_PATH };

const URL_IN_TEXT = /https?:\/\/[^\s<>"]+/g;

/** Plain text with its links made clickable; everything else escaped. */
function textWithLinks(text: string): SafeHtml[] {
  const out: SafeHtml[] = [];
  let last = 0;
  for (const match of text.matchAll(URL_IN_TEXT)) {
    const url = match[0].replace(/[.,;:!?)]+$/, '');
    const at = match.index ?? 0;
    out.push(html`${text.slice(last, at)}<a href="${url}">${url}</a>`);
    last = at + url.length;
  }
  out.push(html`${text.slice(last)}`);
  return out;
}

function when(date: Date): string {
  return date
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d{3}Z$/, ' UTC');
}

function listBody(messages: Awaited<ReturnType<typeof listMail>>): SafeHtml {
  if (messages.length === 0) {
    return html`<p class="card">No email has been sent yet. Once RampGuard sends one (a confirmation link, an alert), it shows up here.</p>`;
  }
  const items = messages.map(
    (m) => html`<li class="card"><a href="${SANDBOX_MAIL_PATH}/${m.id}"><strong>${m.subject}</strong></a>
<br><span class="small muted">To ${m.to} · ${when(m.date)}${m.triggers ? ` · ${m.triggers}` : ''}</span></li>`,
  );
  return html`<ul class="plain">${items}</ul>`;
}

function messageBody(message: MailMessage): SafeHtml {
  return html`<p><a href="${SANDBOX_MAIL_PATH}">All messages</a></p>
<dl class="metrics card mail-head">
<dt>From</dt><dd>${message.from}</dd>
<dt>To</dt><dd>${message.to}</dd>
<dt>Date</dt><dd>${when(message.date)}</dd>
${message.triggers ? html`<dt>Triggers</dt><dd>${message.triggers}</dd>` : ''}
</dl>
${
  message.html !== null
    ? html`<section aria-labelledby="html-title"><h2 id="html-title">As the recipient sees it</h2>
<iframe class="mail-frame" title="The email: ${message.subject}" src="${SANDBOX_MAIL_PATH}/${message.id}/html" sandbox="allow-popups allow-popups-to-escape-sandbox allow-top-navigation-by-user-activation"></iframe>
</section>`
    : ''
}
<section class="card" aria-labelledby="text-title"><h2 id="text-title">Plain-text version</h2>
<pre class="mail-text">${textWithLinks(message.text)}</pre>
</section>
<p><a href="${SANDBOX_MAIL_PATH}/${message.id}.eml" download>Download the .eml file</a></p>`;
}

/**
 * The email's own HTML, framed by the message page: no script can run
 * (sandboxed frame, CSP without script-src) and its links open in the whole
 * tab, like a click in a mail client (`<base target="_top">`).
 */
function framedHtml(message: MailMessage): string {
  const base = '<base target="_top">';
  const source = message.html ?? '';
  return /<head[^>]*>/i.test(source)
    ? source.replace(/<head[^>]*>/i, (head) => `${head}${base}`)
    : base + source;
}

/**
 * `/sim/mail` (sandbox mode only, docs/sandbox.md#sandbox-mail): every
 * message RampGuard sent, newest first, each shown as its recipient sees it.
 * Like the simulator's control page, it is open to anyone who can reach the
 * sandbox: there are no real runners in it.
 */
export function createSandboxMailRouter(deps: AppDeps): Router {
  const router = Router();
  const { dataDir } = deps.config;
  router.use(loadSession(deps));

  router.get('/', async (req, res) => {
    sendPrivatePage(res, 200, {
      title: 'Sandbox mailbox',
      ...siteOf(deps, req),
      body: html`<p class="lead">Every email RampGuard sent in sandbox mode, newest first. Nothing here left this machine. The same messages are in <code>DATA_DIR/outbox</code> as <code>.eml</code> files.</p>
${listBody(await listMail(dataDir))}`,
    });
  });

  router.get('/:id.eml', async (req, res, next) => {
    const message = await readMail(dataDir, req.params.id);
    if (!message) return next();
    res
      .status(200)
      .set('Cache-Control', 'no-store')
      .type('message/rfc822')
      .attachment(`${message.id}.eml`)
      .send(message.raw);
  });

  router.get('/:id/html', async (req, res, next) => {
    const message = isMailId(req.params.id) ? await readMail(dataDir, req.params.id) : null;
    if (!message?.html) return next();
    res
      .status(200)
      .set({
        'Cache-Control': 'no-store',
        'Content-Security-Policy':
          "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'; form-action 'self'",
        'X-Frame-Options': 'SAMEORIGIN',
      })
      .type('html')
      .send(framedHtml(message));
  });

  router.get('/:id', async (req, res, next) => {
    const message = await readMail(dataDir, req.params.id);
    if (!message) return next();
    sendPrivatePage(res, 200, { title: message.subject, ...siteOf(deps, req), body: messageBody(message) });
  });
  // Not a message: RampGuard's 404, not the simulator's (mounted under /sim after this router).
  router.use(notFound(deps.config));
  return router;
}

import { createHash } from 'node:crypto';
import type { RequestHandler } from 'express';

/*
 * The one stylesheet of every RampGuard page. It lives in code, not in a
 * `public/` file, so the compiled image serves it without copying assets, and
 * its URL carries a content hash so browsers may cache it for a year.
 * Colours: text and controls meet WCAG AA 4.5:1 on their backgrounds; Strava
 * orange (#FC5200, 3.3:1 on white) is only used for large bold text (3:1 rule).
 */
const CSS = `
*,*::before,*::after{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;background:#f3f4f6;color:#1f2937}
a{color:#1d4ed8}
:focus-visible{outline:3px solid #1d4ed8;outline-offset:2px}
.skip{position:absolute;left:-10000px;top:0}
.skip:focus{left:.5rem;top:.5rem;z-index:10;background:#fff;color:#1d4ed8;padding:.5rem 1rem}
.site{background:#111827;color:#fff}
.site :focus-visible{outline-color:#fbbf24}
.site-bar{max-width:52rem;margin:0 auto;padding:.6rem 1rem;display:flex;flex-wrap:wrap;gap:.25rem 1.25rem;align-items:center;justify-content:space-between}
.brand{color:#fff;font-weight:800;font-size:1.25rem;text-decoration:none;letter-spacing:.01em}
.site nav ul{list-style:none;margin:0;padding:0;display:flex;flex-wrap:wrap;gap:.25rem 1rem}
.site nav a{color:#fff;display:inline-block;padding:.35rem 0}
.banner{background:#fef3c7;color:#78350f;padding:.5rem 1rem;margin:0;text-align:center;font-size:.95rem}
.banner a{color:#78350f;font-weight:700}
main{display:block;max-width:52rem;margin:0 auto;padding:1rem}
h1{font-size:1.75rem;line-height:1.2;margin:.75rem 0 1rem}
h2{font-size:1.25rem;line-height:1.3;margin:0 0 .75rem}
h3{font-size:1.05rem;margin:1rem 0 .5rem}
p{margin:0 0 .75rem}
.card{background:#fff;border:1px solid #d1d5db;border-radius:10px;padding:1rem 1.25rem;margin:0 0 1rem}
.lead{font-size:1.125rem}
.muted{color:#4b5563}
.small{font-size:.9rem}
.notice{border-left:6px solid #1d4ed8}
.notice-ok{border-left:6px solid #047857}
.notice-warn{border-left:6px solid #b45309;background:#fffbeb}
.error{color:#b91c1c;font-weight:700}
button,.button{font:inherit;font-weight:600;display:inline-block;min-height:44px;padding:.6rem 1.1rem;border:2px solid #1d4ed8;border-radius:8px;background:#1d4ed8;color:#fff;cursor:pointer;text-decoration:none;line-height:1.4}
button.secondary,.button.secondary{background:#fff;color:#1d4ed8}
button.danger{background:#b91c1c;border-color:#b91c1c}
form.inline{display:inline-block;margin:0 .5rem .5rem 0}
label{display:block;font-weight:600;margin:0 0 .25rem}
input[type=email],input[type=text],input[type=url],select{font:inherit;width:100%;max-width:26rem;min-height:44px;padding:.5rem .6rem;border:2px solid #6b7280;border-radius:6px;background:#fff;color:#1f2937}
.field{margin:0 0 .75rem}
fieldset{border:0;padding:0;margin:0 0 .75rem}
legend{font-weight:600;margin-bottom:.25rem}
.choice{display:flex;align-items:center;gap:.5rem;font-weight:400}
.choice input{width:1.25rem;height:1.25rem}
.connect{display:inline-flex;align-items:center;gap:.6rem;height:48px;padding:0 1.25rem;border-radius:6px;background:#fc5200;color:#fff;font-weight:700;font-size:1.1875rem;text-decoration:none;white-space:nowrap}
.connect:hover{background:#e34a00}
.strava-link{color:#fc5200;font-weight:700;font-size:1.1875rem;text-decoration:underline}
.powered{display:inline-block;line-height:0}
.hero{padding:1.25rem 0 .5rem}
.hero h1{font-size:2rem}
ul.plain{list-style:none;padding:0;margin:0}
ul.checks li{margin:0 0 .4rem}
.phase{display:flex;flex-wrap:wrap;align-items:baseline;gap:.25rem 1rem;margin:0 0 .5rem}
.phase-name{font-size:2.75rem;font-weight:800;line-height:1.1;text-transform:capitalize}
.phase-count{font-size:1.5rem;font-weight:700}
.week{list-style:none;padding:0;margin:.5rem 0 0;display:grid;grid-template-columns:repeat(7,minmax(0,1fr));gap:.3rem}
.week li{position:relative;border:1px solid #9ca3af;border-radius:8px;padding:.4rem .1rem;text-align:center;font-size:.9rem;background:#fff;line-height:1.3}
.week .day-name,.week .day-date,.week .mark,.week .today-label{display:block}
.week .day-name{font-weight:700}
.week .session{background:#dbeafe;border-color:#1d4ed8}
.week .dot{display:inline-block;width:.65rem;height:.65rem;border-radius:50%;background:#1d4ed8;margin-top:.2rem}
.week .rest .dot{background:transparent;border:2px solid #6b7280}
.week .today{background:#111827;border-color:#111827;color:#fff}
.week .today .dot{background:#fff}
.week .today-label{font-size:.75rem;font-weight:700}
.narrow-hidden{position:absolute;width:1px;height:1px;padding:0;margin:-1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap;border:0}
.exercise{display:grid;gap:.75rem}
.exercise svg{width:100%;max-width:18rem;height:auto;background:#f9fafb;border-radius:8px}
.dose{font-size:1.2rem;font-weight:700;margin:0 0 .5rem}
.exercise ol{margin:0;padding-left:1.25rem}
.exercise li{margin:0 0 .35rem}
.checkin-forms{display:flex;flex-wrap:wrap;gap:.5rem}
.checkin-forms form{margin:0}
.detection{border-top:1px solid #e5e7eb;padding:.75rem 0 .25rem}
.detection:first-of-type{border-top:0;padding-top:0}
.detection h3,.detection h4{margin:0 0 .25rem;font-size:1.05rem}
.standing{margin:0 0 .4rem;font-weight:600;color:#1e3a8a}
.detection.history .standing{color:#4b5563}
.metrics{display:grid;grid-template-columns:auto 1fr;gap:.1rem .75rem;margin:.25rem 0 .75rem;font-size:.95rem}
.metrics dt{color:#4b5563}
.metrics dd{margin:0;font-weight:700}
.figures{display:grid;grid-template-columns:repeat(auto-fit,minmax(12rem,1fr));gap:.75rem;margin:0 0 .75rem}
.figure{border:1px solid #d1d5db;border-radius:8px;padding:.6rem .8rem}
.figure-value{display:block;font-size:1.75rem;font-weight:800}
.chart-figure{margin:0 0 1rem}
.chart{width:100%;max-width:34rem;height:auto;display:block}
.legend{display:flex;flex-wrap:wrap;gap:.25rem 1rem;font-size:.9rem;padding:0;list-style:none;margin:.5rem 0 0}
.history li{margin:0 0 .5rem}
.mail-head{grid-template-columns:auto minmax(0,1fr)}
.mail-head dd{overflow-wrap:anywhere}
.mail-frame{display:block;width:100%;height:75vh;min-height:28rem;border:1px solid #d1d5db;border-radius:8px;background:#fff;margin:0 0 1rem}
.mail-text{white-space:pre-wrap;overflow-wrap:anywhere;font-size:.9rem;margin:0}
.feed{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:.85rem}
.visually-hidden{position:absolute!important;width:1px;height:1px;padding:0;margin:-1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap;border:0}
footer.site-footer{max-width:52rem;margin:1rem auto 2rem;padding:1rem;border-top:1px solid #d1d5db;color:#374151;font-size:.9rem}
footer.site-footer p{margin:.5rem 0}
@media (min-width:40rem){
 h1{font-size:2rem}
 .exercise{grid-template-columns:16rem 1fr;align-items:start}
 .week li{font-size:.95rem;padding:.6rem .2rem}
 .narrow-hidden{position:static;width:auto;height:auto;margin:0;overflow:visible;clip:auto;white-space:normal}
 .week .dot{display:none}
}
`;

const BODY = CSS.trim();
const VERSION = createHash('sha256').update(BODY).digest('hex').slice(0, 12);

/** The stylesheet's URL; it changes whenever the CSS does, so a year of caching is safe. */
export const STYLESHEET_PATH = `/assets/rampguard-${VERSION}.css`;

export const serveStylesheet: RequestHandler = (_req, res) => {
  res
    .status(200)
    .type('text/css; charset=utf-8')
    .set('Cache-Control', 'public, max-age=31536000, immutable')
    .send(BODY);
};

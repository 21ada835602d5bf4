import type { RequestHandler } from 'express';

/*
 * RampGuard's icon: a white knee-shield on the brand's dark blue, as SVG (every
 * current browser takes an SVG icon, also from /favicon.ico, the path they ask
 * for by themselves). Served from code like the stylesheet.
 */
const ICON = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64">
<rect width="64" height="64" rx="14" fill="#111827"/>
<path d="M32 8 52 16v14c0 13-8.5 22-20 26C20.5 52 12 43 12 30V16z" fill="#fc5200"/>
<path d="M22 34l7 7 13-15" fill="none" stroke="#fff" stroke-width="6" stroke-linecap="round" stroke-linejoin="round"/>
</svg>`;

export const FAVICON_PATH = '/favicon.ico';

export const serveFavicon: RequestHandler = (_req, res) => {
  res.status(200).type('image/svg+xml').set('Cache-Control', 'public, max-age=86400').send(ICON);
};

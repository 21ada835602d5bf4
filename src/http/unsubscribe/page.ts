/**
 * The page kit moved to `src/http/pages/` (shared by every server-rendered
 * page); these re-exports keep the unsubscribe and verification routes and
 * their tests on the same `html` and layout.
 */
export { escapeHtml, html, type SafeHtml } from '../pages/html.js';
export { type PageInput, renderPage, sendPage } from '../pages/layout.js';

import { escapeHtml, PAGE_CSS_URL } from '../portal/start-page.js';

/**
 * The error page's own policy (oidc-provider sends none): its stylesheet from this origin and
 * nothing else: no script, no inline style, no frame around it, no form.
 */
export const ERROR_PAGE_CSP = ["default-src 'none'", "style-src 'self'", "base-uri 'none'", "form-action 'none'", "frame-ancestors 'none'"].join('; ');

/** The headers the error page goes with: its CSP, and no sniffing, framing or referrer (the request's query). */
export const ERROR_PAGE_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': ERROR_PAGE_CSP,
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
};

/**
 * What the browser shows when an authorization request cannot go on (no script, no inline style):
 * the look of the portal's refused sign-in page, from the same stylesheet.
 */
export function errorPage(out: { error: string; error_description?: string }): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Connection refused · NebulaHex</title>
<link rel="stylesheet" href="${PAGE_CSS_URL}">
</head>
<body>
<header>NebulaHex <span>· connecting an app</span></header>
<main>
<h1>This app cannot be connected</h1>
<p class="why">${escapeHtml(out.error_description ?? out.error)} (<code>${escapeHtml(out.error)}</code>)</p>
<p>Start connecting again from the app you came from.</p>
<p class="hint">If it keeps happening, contact NebulaHex support.</p>
</main>
</body>
</html>
`;
}

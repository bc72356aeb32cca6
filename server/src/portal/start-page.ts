import { createHash } from 'node:crypto';

/** Text for HTML content or a quoted attribute value. */
export const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);

/**
 * The look of the pages the server writes itself (the refused sign-in link, the OAuth error page): the portal's
 * colours and type (portal/src/styles.css), a readable column. A stylesheet of its own, as
 * the portal's CSP allows styles from this origin only, nothing inline.
 */
export const PAGE_CSS = `:root {
  --fg: #1b1f24; --muted: #4b5563; --bg: #ffffff; --panel: #f6f7f9; --line: #d0d5dd; --accent: #2f49c7;
  font-family: system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif;
  color: var(--fg); background: var(--bg); line-height: 1.45;
}
* { box-sizing: border-box; }
body { margin: 0; }
header { padding: 0.75rem 1rem; border-bottom: 1px solid var(--line); font-weight: 700; }
header span { font-weight: 400; color: var(--muted); }
main { max-width: 40rem; margin: 0 auto; padding: 1.5rem 1rem; }
h1 { font-size: 1.5rem; margin: 0.5rem 0 1rem; overflow-wrap: anywhere; }
p { margin: 0.75rem 0; }
.why { background: var(--panel); border: 1px solid var(--line); border-radius: 8px; padding: 0.75rem 1rem; }
a { color: var(--accent); }
a.next { display: inline-block; margin: 0.5rem 0; padding: 0.5rem 1rem; border-radius: 6px; background: var(--accent); color: #fff; font-weight: 600; text-decoration: none; }
a.next:hover { text-decoration: underline; }
:focus-visible { outline: 3px solid var(--accent); outline-offset: 2px; }
.hint { color: var(--muted); font-size: 0.9rem; }
`;

/** Where `PAGE_CSS` is served (the session router): under the portal, versioned by its content so it can be cached for good. */
export const PAGE_CSS_PATH = '/portal/session/page.css';
/** The URL the server's own pages link `PAGE_CSS` by (same origin, so `style-src 'self'` allows it). */
export const PAGE_CSS_URL = `${PAGE_CSS_PATH}?v=${createHash('sha256').update(PAGE_CSS).digest('hex').slice(0, 12)}`;

/** Why a link was refused, by the error's code: never the link or its token. */
function reason(code: string, message: string, linkTtlMinutes: number): string {
  const minutes = `${linkTtlMinutes} minute${linkTtlMinutes === 1 ? '' : 's'}`;
  switch (code) {
    case 'portal_link_expired':
      return `This link was used already or has expired. A sign-in link works once, within ${minutes} of being made.`;
    case 'portal_link_not_found':
    case 'validation_failed':
      return 'This is not a valid sign-in link. Check that you opened the whole link, as you received it.';
    default:
      return escapeHtml(message);
  }
}

/** The page a refused sign-in link shows: what happened and what to do (no script, no inline style). */
export function startPage({ code, message }: { code: string; message: string }, { linkTtlMinutes }: { linkTtlMinutes: number }): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sign-in link refused · NebulaHex portal</title>
<link rel="stylesheet" href="${PAGE_CSS_URL}">
</head>
<body>
<header>NebulaHex <span>· portal</span></header>
<main>
<h1>This sign-in link cannot be used</h1>
<p class="why">${reason(code, message, linkTtlMinutes)}</p>
<p>To sign in, ask for a new link: open the portal again from your NebulaHex dashboard, or ask an admin of your workspace to send you one.</p>
<p><a class="next" href="/portal/">Go to the portal</a></p>
<p class="hint">If this browser is still signed in, the portal opens as before; if not, it says how to get a new link.</p>
</main>
</body>
</html>
`;
}

import type { Context } from 'koa';

/** Remembers, for the next portal sign-in in this browser, the page to come back to. */
export const RETURN_COOKIE = 'nhx_portal_return';
/** Only the portal's consent pages are remembered: never an address from elsewhere. */
const RETURNABLE = /^\/portal\/connect\/[A-Za-z0-9_-]{1,64}$/;
const RETURN_TTL_MS = 30 * 60_000;

/** After sign-in, the browser comes back to `path` (a consent page) instead of the overview. */
export function rememberReturnPath(ctx: Context, path: string, secure: boolean): void {
  if (!RETURNABLE.test(path)) return;
  // Lax, not Strict: the sign-in link arrives from another site (an email, the dashboard).
  ctx.cookies.set(RETURN_COOKIE, path, { httpOnly: true, sameSite: 'lax', secure, path: '/portal/session', maxAge: RETURN_TTL_MS, overwrite: true });
}

/** The remembered page, once (the cookie is cleared), or undefined. */
export function takeReturnPath(ctx: Context): string | undefined {
  const path = ctx.cookies.get(RETURN_COOKIE);
  if (path === undefined) return undefined;
  ctx.cookies.set(RETURN_COOKIE, null, { path: '/portal/session', overwrite: true });
  return RETURNABLE.test(path) ? path : undefined;
}

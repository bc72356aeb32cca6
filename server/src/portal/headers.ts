import type { Context } from 'koa';

/**
 * The portal's pages: scripts, styles and requests only from this origin, nothing inline,
 * framed only by the configured origins.
 */
export function portalSecurityHeaders(ctx: Context, frameAncestors: string[]): void {
  const ancestors = frameAncestors.length > 0 ? frameAncestors.join(' ') : "'none'";
  ctx.set({
    'Content-Security-Policy': [
      "default-src 'none'",
      "script-src 'self'",
      "style-src 'self'",
      "img-src 'self' data:",
      "font-src 'self'",
      "connect-src 'self'",
      "base-uri 'none'",
      "form-action 'self'",
      `frame-ancestors ${ancestors}`,
    ].join('; '),
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Opener-Policy': 'same-origin',
    ...(frameAncestors.length === 0 ? { 'X-Frame-Options': 'DENY' } : {}),
  });
}

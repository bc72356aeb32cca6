import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Middleware } from 'koa';
import send from 'koa-send';
import { NotFoundError } from '../http/errors.js';
import { portalSecurityHeaders } from './headers.js';

/** The portal package's build output (`npm run build` makes it). */
export const PORTAL_DIST_DIR = fileURLToPath(new URL('../../../portal/dist/', import.meta.url));

const YEAR_MS = 365 * 24 * 3_600_000;

/**
 * Serves the built portal under `/portal/`: hashed assets for a year, every other path the
 * single-page app's index.html (the app routes in the browser), all with the portal's CSP.
 */
export function portalStatic({ distDir = PORTAL_DIST_DIR, frameAncestors }: { distDir?: string; frameAncestors: string[] }): Middleware {
  return async (ctx, next) => {
    const inPortal = ctx.path === '/portal' || ctx.path.startsWith('/portal/');
    if (!inPortal || !['GET', 'HEAD'].includes(ctx.method)) return next();
    if (ctx.path === '/portal') return ctx.redirect('/portal/');
    portalSecurityHeaders(ctx, frameAncestors);
    if (!existsSync(`${distDir}/index.html`)) {
      ctx.status = 503;
      ctx.type = 'text/plain';
      ctx.body = 'The portal is not built: run `npm run build` and restart the server.';
      return;
    }
    const asset = ctx.path.startsWith('/portal/assets/');
    try {
      if (asset) await send(ctx, ctx.path.slice('/portal'.length), { root: distDir, immutable: true, maxage: YEAR_MS });
      else {
        ctx.set('Cache-Control', 'no-store');
        await send(ctx, 'index.html', { root: distDir });
      }
    } catch (error) {
      if ((error as { status?: number }).status === 404) throw new NotFoundError(`The portal file ${ctx.path}`);
      throw error;
    }
  };
}

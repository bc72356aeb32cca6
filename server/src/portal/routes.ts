import Router from '@koa/router';
import type { Context } from 'koa';
import type { PortalLinkOut as PortalLinkAnswer, PortalSessionOut } from '@nebulahex/shared';
import { z } from 'zod';
import type { RouteFactoryOptions } from '../app.js';
import { authOf, requireAdmin } from '../auth/middleware.js';
import type { RuntimeConfig } from '../config.js';
import { ApiError, UnauthorizedError } from '../http/errors.js';
import { parseBody, parseQuery } from '../http/validate.js';
import { documentInternal, documentPublic, errorResponse, jsonBodyOf, jsonResponse, notFound } from '../openapi/registry.js';
import { presentWorkspace } from '../workspaces/presenter.js';
import { getWorkspace } from '../workspaces/service.js';
import { portalSecurityHeaders } from './headers.js';
import { PortalLinkIn, PortalLinkOut, StartSessionQuery } from './schema.js';
import { apiKeyModel } from '../auth/model.js';
import { takeReturnPath } from './return-to.js';
import { createPortalService, idleExpiry, signInUrl, type PortalService } from './service.js';
import { CSRF_HEADER, portalSessionAuthenticator, SESSION_COOKIE } from './session-auth.js';
import { createCsrf } from './tokens.js';
import { PAGE_CSS, PAGE_CSS_PATH, startPage } from './start-page.js';

/** The portal's service and CSRF tokens as the configuration sets them. */
export function portalFrom(config: RuntimeConfig, deps: RouteFactoryOptions['deps']) {
  const portal = createPortalService(deps.connection, {
    linkTtlMinutes: config.PORTAL_LINK_TTL_MINUTES,
    idleMinutes: config.PORTAL_SESSION_IDLE_MINUTES,
    maxHours: config.PORTAL_SESSION_MAX_HOURS,
  });
  const csrf = createCsrf(config.ENCRYPTION_KEY);
  return { portal, csrf, authenticate: portalSessionAuthenticator(portal, csrf) };
}

async function linkAnswer(ctx: Context, config: RuntimeConfig, portal: PortalService, workspaceId: string, signedInAs: string): Promise<PortalLinkAnswer> {
  const { token, expiresAt } = await portal.createLink(workspaceId, signedInAs);
  return { url: signInUrl(config.PUBLIC_URL ?? `${ctx.protocol}://${ctx.host}`, token), expiresAt: expiresAt.toISOString() };
}

/** `POST /auth/portal-links` (public API, admin keys). */
export function portalLinksRouter({ config, deps }: RouteFactoryOptions): Router {
  const { portal } = portalFrom(config, deps);
  const router = new Router();
  router.post('/auth/portal-links', requireAdmin(), async (ctx) => {
    const { signedInAs } = parseBody(ctx, PortalLinkIn);
    const { workspaceId, apiKeyId } = authOf(ctx);
    const key = await apiKeyModel(deps.connection).findById(apiKeyId, { name: 1 }).lean<{ name: string }>();
    ctx.status = 201;
    ctx.body = await linkAnswer(ctx, config, portal, workspaceId, signedInAs ?? (key ? `API key "${key.name}"` : 'a portal user'));
  });
  return router;
}

/** `POST /workspaces/:id/portal-links` (internal API): for NebulaHex's dashboard, which embeds the portal. */
export function internalPortalLinksRouter({ config, deps }: RouteFactoryOptions): Router {
  const { portal } = portalFrom(config, deps);
  const router = new Router();
  router.post('/workspaces/:id/portal-links', async (ctx) => {
    const { signedInAs } = parseBody(ctx, PortalLinkIn);
    const workspace = await getWorkspace(deps.connection, ctx.params.id ?? '');
    ctx.status = 201;
    ctx.body = await linkAnswer(ctx, config, portal, workspace._id, signedInAs ?? 'a NebulaHex dashboard user');
  });
  return router;
}

/** `/portal/session…`: starting a session from a link, reading it, signing out. */
export function portalSessionRouter({ config, deps }: RouteFactoryOptions): Router {
  const { portal, csrf, authenticate } = portalFrom(config, deps);
  const policy = { idleMinutes: config.PORTAL_SESSION_IDLE_MINUTES, linkTtlMinutes: config.PORTAL_LINK_TTL_MINUTES, maxHours: config.PORTAL_SESSION_MAX_HOURS };
  const prefix = '/portal/session';
  const router = new Router({ prefix });
  const cookieOptions = (ctx: Context) => {
    const secure = ctx.secure || (config.PUBLIC_URL?.startsWith('https:') ?? false);
    (ctx.cookies as unknown as { secure: boolean }).secure = secure; // behind a TLS proxy ctx.secure may be false
    return { httpOnly: true, sameSite: 'strict' as const, secure, path: '/', overwrite: true };
  };

  router.get('/start', async (ctx) => {
    portalSecurityHeaders(ctx, config.PORTAL_FRAME_ANCESTORS);
    ctx.set('Cache-Control', 'no-store');
    try {
      const { token, session } = await portal.startSession(parseQuery(ctx, StartSessionQuery).token);
      ctx.cookies.set(SESSION_COOKIE, token, { ...cookieOptions(ctx), expires: session.expiresAt });
      ctx.status = 303;
      ctx.redirect(takeReturnPath(ctx) ?? '/portal/');
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      ctx.status = error.status;
      ctx.type = 'text/html';
      ctx.body = startPage(error, policy);
    }
  });

  // The refused-link page's stylesheet (its URL is versioned by content).
  router.get(PAGE_CSS_PATH.slice(prefix.length), (ctx) => {
    portalSecurityHeaders(ctx, config.PORTAL_FRAME_ANCESTORS);
    ctx.set('Cache-Control', 'public, max-age=31536000, immutable');
    ctx.type = 'text/css';
    ctx.body = PAGE_CSS;
  });

  router.get('/', async (ctx) => {
    const session = await portal.authenticate(ctx.cookies.get(SESSION_COOKIE) ?? '');
    if (!session) throw new UnauthorizedError('The portal session has ended: open a new portal link.', 'portal_session_expired');
    ctx.set('Cache-Control', 'no-store');
    ctx.body = {
      workspace: presentWorkspace(await getWorkspace(deps.connection, session.workspaceId)),
      csrfToken: csrf.tokenFor(session.sessionId),
      idleExpiresAt: idleExpiry(session, policy).toISOString(),
      expiresAt: session.expiresAt.toISOString(),
    } satisfies PortalSessionOut;
  });

  router.post('/sign-out', async (ctx) => {
    await authenticate(ctx); // refuses a request without the CSRF header
    await portal.signOut(ctx.cookies.get(SESSION_COOKIE) ?? '');
    ctx.cookies.set(SESSION_COOKIE, null, cookieOptions(ctx));
    ctx.status = 204;
  });
  return router;
}

documentPublic({
  method: 'post',
  path: '/auth/portal-links',
  tags: ['API keys'],
  summary: 'A single-use sign-in link to the portal',
  description: `Admin keys only. The link works once, within 10 minutes, and starts a portal session (an HttpOnly cookie) acting as this workspace. Requests from the portal send \`${CSRF_HEADER}\`.`,
  request: { body: jsonBodyOf(PortalLinkIn, false) },
  responses: { 201: jsonResponse('The link.', PortalLinkOut), 403: errorResponse('A member key (`admin_key_required`).') },
});
documentInternal({
  method: 'post',
  path: '/workspaces/:id/portal-links',
  summary: 'A single-use sign-in link to the portal of a workspace (to embed it)',
  request: { params: z.object({ id: z.string().meta({ description: 'Workspace id' }) }), body: jsonBodyOf(PortalLinkIn, false) },
  responses: { 201: jsonResponse('The link.', PortalLinkOut), 404: notFound },
});

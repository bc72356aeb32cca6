import type { Context } from 'koa';
import type { ApiKeyAuth } from '../auth/middleware.js';
import { ForbiddenError, UnauthorizedError } from '../http/errors.js';
import type { PortalService } from './service.js';
import type { createCsrf } from './tokens.js';

export const SESSION_COOKIE = 'nhx_portal';
export const CSRF_HEADER = 'X-CSRF-Token';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * The public API's second way in: a portal session cookie. It acts as the workspace with
 * the admin role, through the same routers and services as an API key. A state-changing
 * request must also carry the session's CSRF token in `X-CSRF-Token` (403 otherwise).
 * Answers null when the request has no session cookie at all.
 */
export function portalSessionAuthenticator(portal: PortalService, csrf: ReturnType<typeof createCsrf>) {
  return async (ctx: Context): Promise<ApiKeyAuth | null> => {
    const token = ctx.cookies.get(SESSION_COOKIE);
    if (!token) return null;
    const session = await portal.authenticate(token);
    if (!session) throw new UnauthorizedError('The portal session has ended: open a new portal link.', 'portal_session_expired');
    if (!SAFE_METHODS.has(ctx.method) && !csrf.matches(session.sessionId, ctx.get(CSRF_HEADER) || undefined)) {
      throw new ForbiddenError(`A portal request that changes something must carry the session's ${CSRF_HEADER} header.`, 'csrf_token_invalid');
    }
    return { workspaceId: session.workspaceId, apiKeyId: session.sessionId, role: 'admin', portalSessionId: session.sessionId };
  };
}

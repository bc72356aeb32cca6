import Router from '@koa/router';
import type { Context } from 'koa';
import { errors, type InteractionResults } from 'oidc-provider';
import type { ConsentAnswerOut, ConsentOut as SharedConsentOut } from '@nebulahex/shared';
import type { RouteFactoryOptions } from '../http/deps.js';
import { ForbiddenError, GoneError, UnauthorizedError } from '../http/errors.js';
import { CSRF_HEADER, SESSION_COOKIE } from '../portal/session-auth.js';
import { portalFrom } from '../portal/routes.js';
import { rememberReturnPath } from '../portal/return-to.js';
import type { PortalSessionDoc } from '../portal/model.js';
import { getWorkspace } from '../workspaces/service.js';
import { presentWorkspace } from '../workspaces/presenter.js';
import { oauthOf } from './platform.js';
import { consentPath, WORKSPACE_SCOPE } from './provider.js';
import { describeScopes, type ConsentOut } from './schema.js';

const DENIED = { error: 'access_denied', error_description: 'The workspace admin did not allow the connection.' };

/** oidc-provider's "no such interaction" (expired, finished, or another browser's), as our 410. */
async function expiredAsGone<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof errors.SessionNotFound) {
      throw new GoneError('This connection request has expired or was already answered: start connecting again from the app.', 'consent_request_expired');
    }
    throw error;
  }
}

/**
 * `/portal/connect/:uid/…`: what the portal's consent page reads and answers. The provider's
 * interaction cookie is scoped to this path; the portal session says which workspace is
 * connected and who allows it. Allow and Deny are changes, so they carry the session's CSRF token.
 */
export function consentRouter({ config, deps }: RouteFactoryOptions): Router {
  const { portal, csrf } = portalFrom(config, deps);
  const oauth = oauthOf(config, deps);
  const router = new Router({ prefix: '/portal/connect/:uid' });
  const secure = (ctx: Context) => ctx.secure || (config.PUBLIC_URL?.startsWith('https:') ?? false);

  const sessionOf = async (ctx: Context, change: boolean): Promise<PortalSessionDoc> => {
    ctx.set('Cache-Control', 'no-store');
    const session = await portal.authenticate(ctx.cookies.get(SESSION_COOKIE) ?? '');
    if (!session) {
      rememberReturnPath(ctx, consentPath(ctx.params.uid ?? ''), secure(ctx));
      throw new UnauthorizedError('Sign in to the NebulaHex portal first: open a portal sign-in link, and you will come back here.', 'portal_sign_in_required');
    }
    if (change && !csrf.matches(session.sessionId, ctx.get(CSRF_HEADER) || undefined)) {
      throw new ForbiddenError(`Allowing or denying a connection must carry the session's ${CSRF_HEADER} header.`, 'csrf_token_invalid');
    }
    return session;
  };

  const details = (ctx: Context) => expiredAsGone(() => oauth.provider.interactionDetails(ctx.req, ctx.res));

  const finish = async (ctx: Context, result: InteractionResults) => {
    const redirectTo = await expiredAsGone(() => oauth.provider.interactionResult(ctx.req, ctx.res, result, { mergeWithLastSubmission: false }));
    ctx.body = { redirectTo } satisfies ConsentAnswerOut;
  };

  router.get('/details', async (ctx) => {
    const session = await sessionOf(ctx, false);
    const interaction = await details(ctx);
    const client = await oauth.provider.Client.find(String(interaction.params.client_id));
    const workspace = await getWorkspace(deps.connection, session.workspaceId);
    const requested = String(interaction.params.scope ?? WORKSPACE_SCOPE).split(' ').filter(Boolean);
    ctx.body = {
      app: { name: client?.clientName ?? String(interaction.params.client_id) },
      workspace: presentWorkspace(workspace),
      signedInAs: session.signedInAs,
      scopes: describeScopes(requested),
      csrfToken: csrf.tokenFor(session.sessionId),
    } satisfies ConsentOut & SharedConsentOut;
  });

  router.post('/allow', async (ctx) => {
    const session = await sessionOf(ctx, true);
    const interaction = await details(ctx);
    const clientId = String(interaction.params.client_id);
    const client = await oauth.provider.Client.find(clientId);
    const grant = new oauth.provider.Grant({ accountId: session.workspaceId, clientId });
    grant.addResourceScope(oauth.resource, WORKSPACE_SCOPE);
    const grantId = await grant.save();
    await oauth.connections.record({ workspaceId: session.workspaceId, grantId, clientId, clientName: client?.clientName ?? clientId, connectedBy: session.signedInAs });
    await finish(ctx, { login: { accountId: session.workspaceId }, consent: { grantId } });
  });

  router.post('/deny', async (ctx) => {
    await sessionOf(ctx, true);
    await details(ctx);
    await finish(ctx, DENIED);
  });
  return router;
}

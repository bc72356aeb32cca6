import Koa, { type Middleware } from 'koa';
import Router from '@koa/router';
import cors from '@koa/cors';
import type { CreateAppOptions, RouterFactory } from './http/deps.js';
import './http/state.js';
import { requestContext } from './http/request-context.js';
import { errorMiddleware } from './http/error-middleware.js';
import { jsonBody, requireJson } from './http/body.js';
import { NotFoundError } from './http/errors.js';
import { healthRouter } from './health/routes.js';
import { apiKeyAuth } from './auth/middleware.js';
import { createMemoryAuthFailureLimiter, limitAuthFailures } from './auth/failures.js';
import { rateLimit } from './ratelimit/middleware.js';
import { idempotency } from './idempotency/middleware.js';
import { createEncryptor } from './crypto/encryption.js';
import { internalTokenAuth } from './internal/auth.js';
import { INTERNAL_PREFIX, PUBLIC_PREFIX } from './openapi/registry.js';
import { internalOpenApiRouter, openApiRouter } from './openapi/routes.js';
import { docsRouter } from './docs/routes.js';
import { authRouter } from './auth/routes.js';
import { botsRouter } from './bots/routes.js';
import { conversationsRouter } from './conversations/routes.js';
import { actionsRouter } from './actions/routes.js';
import { provisioningRouter } from './internal/routes.js';
import { hooksRouter } from './hooks/routes.js';
import { deliveriesRouter } from './deliveries/routes.js';
import { eventsRouter, ingestEventsRouter } from './events/routes.js';
import { triggersRouter } from './triggers/routes.js';
import { countRequests, metricsRouter } from './metrics/routes.js';
import { statsRouter } from './stats/routes.js';
import { internalPortalLinksRouter, portalFrom, portalLinksRouter, portalSessionRouter } from './portal/routes.js';
import { portalStatic } from './portal/static.js';
import { oauthOf } from './oauth/platform.js';
import { mountProvider } from './oauth/provider.js';
import { ACCESS_TOKEN_PATTERN } from './oauth/bearer.js';
import { consentRouter } from './oauth/consent-routes.js';
import { connectedAppsRouter } from './oauth/routes.js';

export type { AppDeps, CreateAppOptions, RouteFactoryOptions, RouterFactory } from './http/deps.js';

/** The public API (`/api/v1`), behind API key → rate limit → idempotency. Document each route with `documentPublic`. */
const publicRouters: RouterFactory[] = [authRouter, portalLinksRouter, connectedAppsRouter, botsRouter, conversationsRouter, actionsRouter, hooksRouter, deliveriesRouter, statsRouter, eventsRouter, triggersRouter];

/** The internal API (`/internal/v1`) and its own document, behind the internal token. Document each route with `documentInternal`. */
const internalRouters: RouterFactory[] = [provisioningRouter, internalPortalLinksRouter, ingestEventsRouter, internalOpenApiRouter];

/** One API: its guards run, in order, before any of its routes (only for paths a route matches). */
function apiRouter(prefix: string, guards: Middleware[], routers: Router[]): Router {
  const api = new Router({ prefix });
  api.use(...guards);
  for (const router of routers) api.use(router.routes(), router.allowedMethods());
  return api;
}

const CORS_ALLOWED_HEADERS = ['Authorization', 'Content-Type', 'Idempotency-Key', 'X-Request-Id'];
const CORS_EXPOSED_HEADERS = [
  'RateLimit-Limit',
  'RateLimit-Remaining',
  'RateLimit-Reset',
  'Retry-After',
  'Idempotent-Replayed',
  'X-Request-Id',
];

/** Builds the Koa app: the middleware pipeline, then every concept's router. */
export function createApp({ config, deps }: CreateAppOptions): Koa {
  const app = new Koa();
  app.silent = true; // errors are logged by errorMiddleware with their request id
  // Behind one trusted proxy, the client address is the last X-Forwarded-For entry: the one the proxy added.
  app.proxy = config.TRUST_PROXY;
  app.maxIpsCount = config.TRUST_PROXY ? 1 : 0;
  app.use(requestContext(deps.logger));
  app.use(countRequests(deps.metrics));
  // The OAuth provider parses its own form bodies and answers OAuth's own error shape: it sits before ours.
  const oauth = oauthOf(config, deps);
  app.use(mountProvider(oauth.provider));
  app.use(cors({ allowHeaders: CORS_ALLOWED_HEADERS, exposeHeaders: CORS_EXPOSED_HEADERS, maxAge: 600 }));
  app.use(errorMiddleware());
  app.use(requireJson());
  app.use(jsonBody());

  // One count per client address for both APIs: a key guesser cannot switch APIs to reset it.
  const authFailures = limitAuthFailures(createMemoryAuthFailureLimiter({ max: config.AUTH_FAILURES_MAX, windowSeconds: config.AUTH_FAILURES_WINDOW_SECONDS }));
  const publicGuards = [
    authFailures,
    // A bearer key, or (without one) a portal session cookie with its CSRF header: the same routes either way.
    // An OAuth access token (a connected app) is the third: the connection's workspace, as a member key.
    apiKeyAuth({
      ...deps,
      cacheMs: config.API_KEY_CACHE_MS,
      alternative: portalFrom(config, deps).authenticate,
      otherBearer: { accepts: (token) => ACCESS_TOKEN_PATTERN.test(token), authenticate: oauth.bearer.authenticate },
    }),
    rateLimit({ ...deps, max: config.RATE_LIMIT_MAX, windowMs: config.RATE_LIMIT_WINDOW_SECONDS * 1000 }),
    idempotency({ ...deps, encryptor: createEncryptor(config.ENCRYPTION_KEY), ttlHours: config.IDEMPOTENCY_TTL_HOURS }),
  ];
  const build = (factory: RouterFactory) => factory({ config, deps });
  const routers: Router[] = [
    healthRouter({ ...deps, config }),
    metricsRouter(deps, config.INTERNAL_API_TOKEN),
    openApiRouter({ config }), // unauthenticated: mounted before the public API's guards
    docsRouter(),
    portalSessionRouter({ config, deps }),
    consentRouter({ config, deps }),
    apiRouter(PUBLIC_PREFIX, publicGuards, publicRouters.map(build)),
    apiRouter(INTERNAL_PREFIX, [authFailures, internalTokenAuth(config.INTERNAL_API_TOKEN)], internalRouters.map(build)),
  ];
  for (const router of routers) app.use(router.routes());
  app.use(portalStatic({ frameAncestors: config.PORTAL_FRAME_ANCESTORS }));

  app.use((ctx) => {
    throw new NotFoundError(`${ctx.method} ${ctx.path}`, 'route_not_found');
  });
  return app;
}

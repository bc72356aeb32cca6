import Router from '@koa/router';
import { buildInternalDocument, buildPublicDocument, type DocumentConfig, type OpenApiDocument } from './document.js';
import { PUBLIC_PREFIX } from './registry.js';

/** Serves one document at `path`, built on first request, when every router has registered. */
function documentRouter(path: string, build: () => OpenApiDocument): Router {
  const router = new Router();
  let document: OpenApiDocument | undefined;
  router.get(path, (ctx) => {
    document ??= build();
    ctx.body = document;
  });
  return router;
}

/** `GET /api/v1/openapi.json`: the public API and its webhooks, unauthenticated (mounted before the public API's guards). */
export function openApiRouter({ config }: { config: DocumentConfig }): Router {
  return documentRouter(`${PUBLIC_PREFIX}/openapi.json`, () => buildPublicDocument(config));
}

/** `GET /internal/v1/openapi.json`: the internal API; mounted among the internal routers, so behind the internal token. */
export function internalOpenApiRouter({ config }: { config: DocumentConfig }): Router {
  return documentRouter('/openapi.json', () => buildInternalDocument(config));
}

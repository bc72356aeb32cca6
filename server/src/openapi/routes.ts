import Router from '@koa/router';
import type { RuntimeConfig } from '../config.js';
import { buildOpenApiDocument, type OpenApiDocument } from './document.js';
import { PUBLIC_PREFIX } from './registry.js';

/** `GET /api/v1/openapi.json`, unauthenticated. Built on first request, when every router has registered. */
export function openApiRouter({ config }: { config: RuntimeConfig }): Router {
  const router = new Router();
  let document: OpenApiDocument | undefined;
  router.get(`${PUBLIC_PREFIX}/openapi.json`, (ctx) => {
    document ??= buildOpenApiDocument(config.PUBLIC_URL);
    ctx.body = document;
  });
  return router;
}

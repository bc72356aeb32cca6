import { OpenAPIRegistry, type RouteConfig } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import { MAX_JSON_DEPTH } from '../http/body.js';
import { IDEMPOTENCY_KEY_PATTERN } from '../idempotency/middleware.js';

/**
 * Every operation of the public and internal APIs, described with the same zod schemas
 * that validate the requests, in two registries: customers read the public document, the
 * bot engine's team the internal one, and neither sees the other's. Each concept documents
 * its routes beside them with `documentPublic` / `documentInternal`; `openapi/document.ts`
 * turns each registry into its OpenAPI 3.1 document. Module state on purpose: static
 * declarations made once at import, never request data.
 */
export const publicRegistry = new OpenAPIRegistry();
export const internalRegistry = new OpenAPIRegistry();

export const PUBLIC_PREFIX = '/api/v1';
export const INTERNAL_PREFIX = '/internal/v1';

export const ErrorOut = z
  .object({
    error: z.object({
      code: z.string().meta({ example: 'validation_failed' }),
      message: z.string(),
      details: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
    }),
  })
  .meta({ id: 'Error' });

publicRegistry.registerComponent('securitySchemes', 'apiKey', {
  type: 'http',
  scheme: 'bearer',
  description: 'An API key: `Authorization: Bearer nhx_sk_…`.',
});
internalRegistry.registerComponent('securitySchemes', 'internalToken', {
  type: 'http',
  scheme: 'bearer',
  description: 'The internal API token (`INTERNAL_API_TOKEN`) of the bot engine.',
});

const RATE_LIMIT_HEADERS = {
  'RateLimit-Limit': { description: 'Requests allowed per window.', schema: { type: 'integer' as const } },
  'RateLimit-Remaining': { description: 'Requests left in the current window.', schema: { type: 'integer' as const } },
  'RateLimit-Reset': { description: 'Seconds until a request slot frees up.', schema: { type: 'integer' as const } },
};

/** An error answer (the shared `Error` shape) for a documented route. */
export const errorResponse = (description: string) => ({ description, content: { 'application/json': { schema: ErrorOut } } });

/** What any operation that reads a JSON body may answer before its own validation runs (http/body.ts). */
const BODY_ERRORS = {
  400: errorResponse(`The body is not JSON, not an object or array, nested more than ${MAX_JSON_DEPTH} levels deep (\`json_too_deep\`), or has a \`__proto__\` key (\`forbidden_json_key\`).`),
  413: errorResponse('The body is over 1 MB.'),
  415: errorResponse('The body is not `application/json`.'),
};

/** Over the per-key rate limit, or too many failed authentications from the caller's address. */
const TOO_MANY_REQUESTS = {
  ...errorResponse('Over the rate limit (`rate_limited`), or too many failed authentications from this address (`too_many_auth_failures`): retry after `Retry-After` seconds.'),
  headers: { 'Retry-After': { description: 'Seconds to wait.', schema: { type: 'integer' as const } } },
};

/** A documented operation; `path` is relative to its API and written as the router writes it (`/bots/:id`). */
export type DocumentedRoute = Omit<RouteConfig, 'path'> & { path: string };

const toOpenApiPath = (path: string) => path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');

/** Documents an operation of the public API (`/api/v1`): bearer key, rate-limit headers, common errors. */
export function documentPublic(route: DocumentedRoute): void {
  const isPost = route.method === 'post';
  const responses = Object.fromEntries(
    Object.entries(route.responses).map(([status, response]) => [
      status,
      'description' in response ? { ...response, headers: RATE_LIMIT_HEADERS } : response,
    ]),
  );
  publicRegistry.registerPath({
    ...route,
    path: `${PUBLIC_PREFIX}${toOpenApiPath(route.path)}`,
    security: [{ apiKey: [] }],
    request: {
      ...route.request,
      ...(isPost ? { headers: z.object({ 'Idempotency-Key': z.string().regex(IDEMPOTENCY_KEY_PATTERN).optional().meta({ description: '1–255 printable ASCII characters, no spaces.' }) }) } : {}),
    },
    // The answers every operation may give, then the route's own (a route's description of a status wins).
    responses: {
      401: errorResponse('The API key is missing, malformed, unknown or revoked.'),
      ...(route.request?.body ? BODY_ERRORS : {}),
      // Every POST may answer 422: a malformed Idempotency-Key, or a key reused with another body.
      ...(route.request?.body || route.request?.query || isPost ? { 422: errorResponse('The request is not valid; `details` names each field.') } : {}),
      ...(isPost ? { 409: errorResponse('The conflict named by `code` (e.g. a request with this Idempotency-Key is still running).') } : {}),
      429: TOO_MANY_REQUESTS,
      ...responses,
    },
  });
}

/** Documents an operation of the internal API (`/internal/v1`). */
export function documentInternal(route: DocumentedRoute): void {
  internalRegistry.registerPath({
    ...route,
    path: `${INTERNAL_PREFIX}${toOpenApiPath(route.path)}`,
    tags: route.tags ?? ['Internal'],
    security: [{ internalToken: [] }],
    responses: {
      ...route.responses,
      401: errorResponse('The internal token is missing or wrong.'),
      ...(route.request?.body ? BODY_ERRORS : {}),
      ...(route.request?.body ? { 422: errorResponse('The request is not valid; `details` names each field.') } : {}),
      429: TOO_MANY_REQUESTS,
    },
  });
}

/** A JSON response of `schema` for a documented route. */
export function jsonResponse(description: string, schema: z.ZodType) {
  return { description, content: { 'application/json': { schema } } };
}

/** A JSON request body of `schema` for a documented route. */
export function jsonBodyOf(schema: z.ZodType, required = true) {
  return { required, content: { 'application/json': { schema } } };
}

/** `{ id }` path parameter schema with a description. */
export const IdParam = (description: string) => z.object({ id: z.string().meta({ description }) });

/** Standard 404 response for routes that take an id. */
export const notFound = errorResponse('No such resource in this workspace.');

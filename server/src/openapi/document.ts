import { OpenApiGeneratorV31 } from '@asteasolutions/zod-to-openapi';
import { openApiRegistry } from './registry.js';

export type OpenApiDocument = ReturnType<OpenApiGeneratorV31['generateDocument']>;

/** The OpenAPI 3.1 document of every registered operation. */
export function buildOpenApiDocument(serverUrl?: string): OpenApiDocument {
  const generator = new OpenApiGeneratorV31(openApiRegistry.definitions);
  return generator.generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'NebulaHex API',
      version: '1.0.0',
      description:
        'The public REST API (`/api/v1`, authenticated with an API key) and the internal API of the bot engine (`/internal/v1`). ' +
        'Errors are `{"error":{"code","message","details"}}`; lists page with `limit` and `cursor`.',
    },
    servers: serverUrl ? [{ url: serverUrl }] : [],
  });
}

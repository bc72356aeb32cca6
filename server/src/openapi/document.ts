import { OpenAPIRegistry, OpenApiGeneratorV31 } from '@asteasolutions/zod-to-openapi';
import { internalRegistry, publicRegistry } from './registry.js';
import { describeWebhookPolicy, documentWebhooks, type WebhookPolicyConfig } from './webhooks.js';

export type OpenApiDocument = ReturnType<OpenApiGeneratorV31['generateDocument']>;

export type DocumentConfig = WebhookPolicyConfig & { PUBLIC_URL?: string | undefined };

const servers = (config: DocumentConfig) => (config.PUBLIC_URL ? [{ url: config.PUBLIC_URL }] : []);

/** The customers' document: the public API (`/api/v1`) and the webhooks it sends, generated from the event catalog. */
export function buildPublicDocument(config: DocumentConfig): OpenApiDocument {
  const registry = new OpenAPIRegistry([publicRegistry]);
  documentWebhooks(registry, config);
  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'NebulaHex API',
      version: '1.0.0',
      description: [
        'The public REST API (`/api/v1`), authenticated with an API key, and the webhooks it sends to your endpoints. ' +
          'Errors are `{"error":{"code","message","details"}}`; lists page with `limit` and `cursor`.',
        describeWebhookPolicy(config),
      ].join('\n\n'),
    },
    servers: servers(config),
  });
}

/** The bot engine's document: the internal API (`/internal/v1`), served only to holders of the internal token. */
export function buildInternalDocument(config: DocumentConfig): OpenApiDocument {
  return new OpenApiGeneratorV31(internalRegistry.definitions).generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'NebulaHex internal API (bot engine) — INTERNAL, not for customers',
      version: '1.0.0',
      description: 'How the bot engine provisions workspaces and reports events (`/internal/v1`), authenticated with `INTERNAL_API_TOKEN`. Customers use the public API: `GET /api/v1/openapi.json`.',
    },
    servers: servers(config),
  });
}

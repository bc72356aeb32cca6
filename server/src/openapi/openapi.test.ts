import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type Router from '@koa/router';
import { Validator } from '@seriousme/openapi-schema-validator';
import { EVENT_TYPES, eventCatalog } from '@nebulahex/shared';
import { startTestApp, type TestApp } from '../testing/index.js';

type Document = {
  openapi: string;
  info: { title: string; description: string };
  paths: Record<string, Record<string, unknown>>;
  webhooks?: Record<string, { post: Record<string, any> }>;
  components: { schemas: Record<string, any>; securitySchemes?: Record<string, unknown> };
};

let testApp: TestApp;
let document: Document;
let internalDocument: Document;
beforeAll(async () => {
  testApp = await startTestApp({ config: { WEBHOOK_RETRY_SCHEDULE: [30, 120, 21_600] } });
  const response = await testApp.request('/api/v1/openapi.json');
  expect(response.status).toBe(200);
  document = (await response.json()) as Document;
  const internal = await testApp.request('/internal/v1/openapi.json', { headers: { Authorization: `Bearer ${testApp.config.INTERNAL_API_TOKEN}` } });
  expect(internal.status).toBe(200);
  internalDocument = (await internal.json()) as Document;
});
afterAll(() => testApp.close());

/** Every method+path the running app routes under the two APIs, read from its routers. */
function mountedOperations(): string[] {
  const routers = testApp.app.middleware.flatMap((middleware) => {
    const router = (middleware as { router?: Router }).router;
    return router ? [router] : [];
  });
  const operations = routers.flatMap((router) =>
    router.stack.flatMap((layer) =>
      layer.methods.filter((method) => method !== 'HEAD').map((method) => `${method.toLowerCase()} ${String(layer.path).replace(/:(\w+)/g, '{$1}')}`),
    ),
  );
  return [...new Set(operations)].filter((operation) => /^\w+ \/(api|internal)\/v1\//.test(operation) && !operation.endsWith('/openapi.json')).sort();
}

const operationsOf = (doc: Document) => Object.entries(doc.paths).flatMap(([path, item]) => Object.keys(item).map((method) => `${method} ${path}`));

async function expectValidOpenApi31(doc: Document): Promise<void> {
  const validator = new Validator();
  const result = await validator.validate(doc as unknown as Parameters<Validator['validate']>[0]);
  expect(result.errors ?? []).toEqual([]);
  expect(result.valid).toBe(true);
  expect(validator.version).toBe('3.1');
  expect(doc.openapi).toBe('3.1.0');
}

describe('GET /api/v1/openapi.json', () => {
  it('is served without an API key and validates as OpenAPI 3.1', async () => {
    await expectValidOpenApi31(document);
  });

  it('documents every mounted endpoint: the public API here, the internal API in its own document', () => {
    const mounted = mountedOperations();
    expect(mounted).toEqual(expect.arrayContaining(['get /api/v1/bots', 'post /api/v1/actions/send-message', 'post /internal/v1/workspaces']));
    const documented = [...operationsOf(document), ...operationsOf(internalDocument)];
    expect(mounted.filter((operation) => !documented.includes(operation))).toEqual([]);
  });

  it('is for customers: no internal operation, token or schema in it', () => {
    expect(operationsOf(document).filter((operation) => !operation.includes(' /api/v1/'))).toEqual([]);
    expect(Object.keys(document.components.securitySchemes ?? {})).toEqual(['apiKey']);
    expect(JSON.stringify(document)).not.toMatch(/internal\/v1|INTERNAL_API_TOKEN|IngestEventIn/);
  });

  it('describes request bodies with the validating schemas and errors with the shared shape', () => {
    const send = document.paths['/api/v1/actions/send-message']?.post as Record<string, any>;
    const bodySchema = send.requestBody.content['application/json'].schema;
    expect(bodySchema).toEqual({ $ref: '#/components/schemas/SendMessageIn' });
    const components = (document as unknown as { components: { schemas: Record<string, any> } }).components.schemas;
    expect(components.SendMessageIn.required).toEqual(['conversationId', 'message']);
    expect(components.SendMessageIn.additionalProperties).toBe(false);
    expect(Object.keys(send.responses).sort()).toEqual(['201', '400', '401', '404', '409', '413', '415', '422', '429']);
    expect(send.parameters).toEqual(expect.arrayContaining([expect.objectContaining({ in: 'header', name: 'Idempotency-Key' })]));
  });
});

describe('GET /internal/v1/openapi.json', () => {
  it('is served only with the internal token, marked internal, and validates as OpenAPI 3.1', async () => {
    expect((await testApp.request('/internal/v1/openapi.json')).status).toBe(401);
    expect((await testApp.request('/internal/v1/openapi.json', { headers: { Authorization: 'Bearer nhx_sk_0123456789abcdef0123456789abcdef' } })).status).toBe(401);
    expect(internalDocument.info.title).toMatch(/internal.*not for customers/i);
    expect(operationsOf(internalDocument).filter((operation) => !operation.includes(' /internal/v1/'))).toEqual([]);
    expect(operationsOf(internalDocument)).toEqual(expect.arrayContaining(['post /internal/v1/events', 'post /internal/v1/workspaces']));
    expect(internalDocument.webhooks ?? {}).toEqual({});
    await expectValidOpenApi31(internalDocument);
  });
});

describe('the webhooks of the public document', () => {
  it('describe every event type of the catalog with its payload schema', () => {
    expect(Object.keys(document.webhooks ?? {}).sort()).toEqual([...EVENT_TYPES].sort());
    for (const type of EVENT_TYPES) {
      const post = document.webhooks?.[type]?.post;
      const body = post?.requestBody.content['application/json'];
      const envelope = document.components.schemas[body.schema.$ref.replace('#/components/schemas/', '')];
      expect({ type, required: envelope.required }).toEqual({ type, required: ['id', 'type', 'timestamp', 'workspaceId', 'test', 'data'] });
      expect(envelope.properties.type.enum).toEqual([type]);
      const data = document.components.schemas[envelope.properties.data.$ref.replace('#/components/schemas/', '')];
      expect(Object.keys(data.properties).sort()).toEqual(Object.keys(eventCatalog[type].data.shape).sort());
      expect(data.additionalProperties).not.toBe(false); // receivers must accept fields added later
      expect(body.example).toMatchObject({ type, data: eventCatalog[type].sample });
    }
  });

  it('name the headers of every attempt and what each answer means', () => {
    const post = document.webhooks?.['lead.captured']?.post;
    const headers = (post?.parameters as { in: string; name: string; description: string }[]).filter((parameter) => parameter.in === 'header');
    expect(headers.map((header) => header.name)).toEqual(
      expect.arrayContaining(['webhook-id', 'webhook-timestamp', 'webhook-signature', 'X-NebulaHex-Delivery-Id', 'X-NebulaHex-Attempt', 'X-NebulaHex-Signature']),
    );
    expect(headers.find((header) => header.name === 'webhook-signature')?.description).toContain('<webhook-id>.<webhook-timestamp>.<raw body>');
    expect(Object.keys(post?.responses ?? {}).sort()).toEqual(['200', '410', 'default']);
  });

  it('state the signature scheme, the tolerance and the retry policy of this server', () => {
    const description = document.info.description;
    expect(description).toContain('HMAC-SHA256 of `<webhook-id>.<webhook-timestamp>.<raw body>`');
    expect(description).toContain('within 5 minutes of your clock');
    expect(description).toContain('after 30 s, 2 min, 6 h (each ±20 %)'); // this app's WEBHOOK_RETRY_SCHEDULE
    expect(document.webhooks?.['order.lookup']?.post.description).toMatch(/^Sent when your bot looks up a customer's order\. Retried up to 3 times/);
  });
});

describe('GET /docs', () => {
  it('serves a reference page whose assets come from this server', async () => {
    const page = await testApp.request('/docs');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    const html = await page.text();
    const sources = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((match) => match[1] ?? '');
    expect(sources.length).toBeGreaterThanOrEqual(3);
    for (const source of sources) {
      expect(source.startsWith('/')).toBe(true); // no CDN
      const asset = await testApp.request(source);
      expect([source, asset.status]).toEqual([source, 200]);
      expect((await asset.arrayBuffer()).byteLength).toBeGreaterThan(0);
    }
    const init = await (await testApp.request('/docs/init.js')).text();
    expect(init).toContain('/api/v1/openapi.json');
    expect(init).not.toContain('internal');
  });

  it('serves only its own asset files', async () => {
    expect((await testApp.request('/docs/assets/package.json')).status).toBe(404);
    expect((await testApp.request('/docs/assets/..%2F..%2Fpackage.json')).status).toBe(404);
  });
});

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type Router from '@koa/router';
import { Validator } from '@seriousme/openapi-schema-validator';
import { startTestApp, type TestApp } from '../testing/index.js';

let testApp: TestApp;
let document: { openapi: string; paths: Record<string, Record<string, unknown>> };
beforeAll(async () => {
  testApp = await startTestApp();
  const response = await testApp.request('/api/v1/openapi.json');
  expect(response.status).toBe(200);
  document = (await response.json()) as typeof document;
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

describe('GET /api/v1/openapi.json', () => {
  it('is served without an API key and validates as OpenAPI 3.1', async () => {
    const validator = new Validator();
    const result = await validator.validate(document as unknown as Parameters<Validator['validate']>[0]);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
    expect(document.openapi).toBe('3.1.0');
  });

  it('documents every mounted endpoint of the public and internal APIs', () => {
    const mounted = mountedOperations();
    expect(mounted).toEqual(expect.arrayContaining(['get /api/v1/bots', 'post /api/v1/actions/send-message', 'post /internal/v1/workspaces']));
    const documented = Object.entries(document.paths).flatMap(([path, item]) => Object.keys(item).map((method) => `${method} ${path}`));
    expect(mounted.filter((operation) => !documented.includes(operation))).toEqual([]);
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
  });

  it('serves only its own asset files', async () => {
    expect((await testApp.request('/docs/assets/package.json')).status).toBe(404);
    expect((await testApp.request('/docs/assets/..%2F..%2Fpackage.json')).status).toBe(404);
  });
});

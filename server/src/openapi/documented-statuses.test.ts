import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createWorkspace, startTestApp, type TestApp, type WorkspaceFixture } from '../testing/index.js';

// Regressions found by `npm run fuzz` (schemathesis): answers the API gives that the document did not list.
let testApp: TestApp;
let workspace: WorkspaceFixture;
let paths: Record<string, Record<string, { responses: Record<string, unknown> }>>;
beforeAll(async () => {
  testApp = await startTestApp();
  workspace = await createWorkspace(testApp);
  const internal = { headers: { Authorization: `Bearer ${testApp.config.INTERNAL_API_TOKEN}` } };
  const [publicPaths, internalPaths] = await Promise.all(
    [testApp.request('/api/v1/openapi.json'), testApp.request('/internal/v1/openapi.json', internal)].map(async (response) => ((await (await response).json()) as { paths: typeof paths }).paths),
  );
  paths = { ...publicPaths, ...internalPaths }; // each operation is in one of the two documents
});
afterAll(() => testApp.close());

/** Sends the request and answers [its status, the statuses the document lists for the operation]. */
async function statusAndDocumented(method: string, path: string, template: string, init: RequestInit): Promise<[number, string[]]> {
  const response = await testApp.request(path, { method, ...init });
  const operation = paths[template]?.[method.toLowerCase()];
  expect(operation).toBeDefined();
  return [response.status, Object.keys(operation?.responses ?? {})];
}

describe('answers the fuzzer found undocumented', () => {
  it('documents 400 for a JSON body that is not an object (a bare JSON string)', async () => {
    const init = { headers: { ...workspace.auth, 'Content-Type': 'application/json' }, body: '"AAA"' };
    const [status, documented] = await statusAndDocumented('POST', '/api/v1/hooks', '/api/v1/hooks', init);
    expect(status).toBe(400);
    expect(documented).toContain('400');
  });

  it('documents 400 on the internal API too', async () => {
    const init = { headers: { Authorization: `Bearer ${testApp.config.INTERNAL_API_TOKEN}`, 'Content-Type': 'application/json' }, body: '{' };
    const [status, documented] = await statusAndDocumented('POST', '/internal/v1/events', '/internal/v1/events', init);
    expect(status).toBe(400);
    expect(documented).toContain('400');
  });

  it('documents 422 for a malformed Idempotency-Key on a POST without a body, and publishes its pattern', async () => {
    const init = { headers: { ...workspace.auth, 'Idempotency-Key': 'has space' } };
    const [status, documented] = await statusAndDocumented('POST', '/api/v1/hooks/hook_000000000000000000000000/test', '/api/v1/hooks/{id}/test', init);
    expect(status).toBe(422);
    expect(documented).toContain('422');
    const header = (paths['/api/v1/hooks/{id}/test']?.post as unknown as { parameters: { name: string; schema: { pattern?: string } }[] }).parameters.find((p) => p.name === 'Idempotency-Key');
    expect(new RegExp(header?.schema.pattern ?? '').test('has space')).toBe(false);
    expect(new RegExp(header?.schema.pattern ?? '').test('retry-42')).toBe(true);
  });
});

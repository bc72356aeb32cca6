import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createWorkspace, startTestApp, type TestApp, type WorkspaceFixture } from '../testing/index.js';
import { canonicalJson } from '../idempotency/fingerprint.js';
import { MAX_JSON_DEPTH } from './body.js';

// Found by an adversarial test: a body nested ~3,100 levels with an Idempotency-Key answered 500
// (the fingerprint recursed until the stack overflowed), and `__proto__` answered "not valid JSON".
let app: TestApp;
let workspace: WorkspaceFixture;
beforeAll(async () => {
  app = await startTestApp();
  workspace = await createWorkspace(app);
});
afterAll(() => app.close());

/** `{"event":"lead.captured","targetUrl":…,"x":[[[…]]]}` whose deepest array sits at `depth` (the body itself is level 1). */
const nestedBody = (depth: number) => `{"event":"lead.captured","targetUrl":"https://example.com/h","x":${'['.repeat(depth - 1)}${']'.repeat(depth - 1)}}`;

const postHooks = (body: string, headers: Record<string, string> = {}) =>
  app.request('/api/v1/hooks', { method: 'POST', headers: { ...workspace.auth, 'Content-Type': 'application/json', ...headers }, body });

describe('JSON bodies', () => {
  it('refuses a body nested 3,100 levels deep with an Idempotency-Key: 400 naming the limit, not 500', async () => {
    const response = await postHooks(nestedBody(3_100), { 'Idempotency-Key': 'deep-1' });
    expect(response.status).toBe(400);
    const { error } = (await response.json()) as { error: { code: string; message: string } };
    expect(error).toEqual({ code: 'json_too_deep', message: expect.stringContaining(`${MAX_JSON_DEPTH} levels`) });
  });

  it('refuses it on the internal API too', async () => {
    const response = await app.request('/internal/v1/events', {
      method: 'POST',
      headers: { Authorization: `Bearer ${app.config.INTERNAL_API_TOKEN}`, 'Content-Type': 'application/json' },
      body: `{"workspaceId":"${workspace.workspaceId}","type":"lead.captured","data":{"a":${'['.repeat(200)}${']'.repeat(200)}}}`,
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('json_too_deep');
  });

  it('lets a body exactly at the limit through to validation', async () => {
    const atLimit = await postHooks(nestedBody(MAX_JSON_DEPTH), { 'Idempotency-Key': 'deep-2' });
    expect(atLimit.status).toBe(422); // example.com does not resolve here: validation ran
    expect(((await atLimit.json()) as { error: { code: string } }).error.code).toBe('validation_failed');
    expect((await postHooks(nestedBody(MAX_JSON_DEPTH + 1))).status).toBe(400);
  });

  it('answers a __proto__ key with what is wrong and where', async () => {
    const response = await postHooks('{"event":"lead.captured","targetUrl":"https://example.com/h","meta":{"__proto__":{"admin":true}}}');
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      error: {
        code: 'forbidden_json_key',
        message: 'The request body contains the key "__proto__" (at meta.__proto__), which is not accepted: remove it.',
        details: [{ field: 'meta.__proto__', message: 'the key "__proto__" is not accepted' }],
      },
    });
  });

  it('still answers a body that is not JSON as malformed', async () => {
    const response = await postHooks('{"event": ');
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('malformed_json');
  });
});

describe('canonicalJson (the idempotency fingerprint)', () => {
  it('sorts keys at every level and keeps arrays in order', () => {
    expect(canonicalJson({ b: [3, { d: 1, c: null }], a: 'x' })).toBe('{"a":"x","b":[3,{"c":null,"d":1}]}');
    expect(canonicalJson(['ws', 'POST', '/hooks', 'k'])).toBe('["ws","POST","/hooks","k"]');
    expect(canonicalJson(null)).toBe('null');
  });

  it('serialises any depth without overflowing the stack', () => {
    let deep: unknown = 1;
    for (let level = 0; level < 100_000; level += 1) deep = level % 2 ? [deep] : { k: deep };
    const text = canonicalJson(deep);
    expect(text.startsWith('[{"k":[{"k":')).toBe(true);
    expect(text).toHaveLength(100_000 * 2 + 50_000 * 4 + 1); // brackets, braces, `"k":` per object, and the 1
  });
});

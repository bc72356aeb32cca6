import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { messageModel } from '../conversations/model.js';
import { createBot, createConversation, createWorkspace, startTestApp, type TestApp } from '../testing/index.js';
import { canonicalJson, sha256 } from './fingerprint.js';
import { idempotencyRecordId } from './middleware.js';
import { idempotencyRecordModel } from './model.js';
import { createIdempotencyStore } from './store.js';

let testApp: TestApp;
beforeAll(async () => {
  testApp = await startTestApp();
});
afterAll(() => testApp.close());

const SEND = '/api/v1/actions/send-message';
const post = async (path: string, headers: Record<string, string>, body: unknown) => {
  const response = await testApp.request(path, { method: 'POST', headers: { ...headers, 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  return { status: response.status, replayed: response.headers.get('Idempotent-Replayed'), body: (await response.json()) as Record<string, any> };
};

async function setup() {
  const workspace = await createWorkspace(testApp);
  const bot = await createBot(testApp, workspace.workspaceId);
  const conversation = await createConversation(testApp, workspace.workspaceId, bot.id);
  const countMessages = () => messageModel(testApp.connection).countDocuments({ conversationId: conversation.id });
  return { ...workspace, conversationId: conversation.id, countMessages };
}

describe('Idempotency-Key', () => {
  it('replays the stored answer for the same key and body, running the action once', async () => {
    const w = await setup();
    const headers = { ...w.auth, 'Idempotency-Key': 'send-1' };
    const body = { conversationId: w.conversationId, message: 'Once only' };
    const first = await post(SEND, headers, body);
    expect(first.status).toBe(201);
    expect(first.replayed).toBeNull();
    const second = await post(SEND, headers, { message: 'Once only', conversationId: w.conversationId }); // key order does not matter
    expect(second).toEqual({ ...first, replayed: 'true' });
    expect(await w.countMessages()).toBe(1);
  });

  it('answers 422 idempotency_key_reused for the same key with another body', async () => {
    const w = await setup();
    const headers = { ...w.auth, 'Idempotency-Key': 'send-2' };
    expect((await post(SEND, headers, { conversationId: w.conversationId, message: 'One' })).status).toBe(201);
    const reused = await post(SEND, headers, { conversationId: w.conversationId, message: 'Two' });
    expect(reused.status).toBe(422);
    expect(reused.body.error.code).toBe('idempotency_key_reused');
    expect(await w.countMessages()).toBe(1);
  });

  it('answers 409 while the first request with the key is still running', async () => {
    const w = await setup();
    const body = { conversationId: w.conversationId, message: 'Slow' };
    const claim = await createIdempotencyStore(testApp.connection).claim({
      id: idempotencyRecordId(w.workspaceId, 'POST', SEND, 'send-3'),
      workspaceId: w.workspaceId,
      fingerprint: sha256(canonicalJson(body)),
      ttlMs: 60_000,
    });
    expect(claim.owned).toBe(true);
    const second = await post(SEND, { ...w.auth, 'Idempotency-Key': 'send-3' }, body);
    expect(second.status).toBe(409);
    expect(second.body.error.code).toBe('idempotency_request_in_progress');
    expect(await w.countMessages()).toBe(0);
  });

  it('lets a retry take over a key whose first request died mid-flight', async () => {
    const w = await setup();
    const body = { conversationId: w.conversationId, message: 'Recovered' };
    const id = idempotencyRecordId(w.workspaceId, 'POST', SEND, 'send-crashed');
    await createIdempotencyStore(testApp.connection).claim({ id, workspaceId: w.workspaceId, fingerprint: sha256(canonicalJson(body)), ttlMs: 60_000 });
    await idempotencyRecordModel(testApp.connection).updateOne({ _id: id }, { $set: { lockedUntil: new Date(Date.now() - 1000) } });
    const retried = await post(SEND, { ...w.auth, 'Idempotency-Key': 'send-crashed' }, body);
    expect(retried.status).toBe(201);
    expect((await post(SEND, { ...w.auth, 'Idempotency-Key': 'send-crashed' }, body)).replayed).toBe('true');
    expect(await w.countMessages()).toBe(1);
  });

  it('releases the key when the request fails, so a corrected retry runs', async () => {
    const w = await setup();
    const headers = { ...w.auth, 'Idempotency-Key': 'send-4' };
    expect((await post(SEND, headers, { conversationId: w.conversationId })).status).toBe(422);
    expect((await post(SEND, headers, { conversationId: w.conversationId, message: 'Fixed' })).status).toBe(201);
  });

  it('scopes keys to the workspace and the path', async () => {
    const w = await setup();
    const other = await setup();
    const key = { 'Idempotency-Key': 'shared-key' };
    expect((await post(SEND, { ...w.auth, ...key }, { conversationId: w.conversationId, message: 'Mine' })).replayed).toBeNull();
    expect((await post(SEND, { ...other.auth, ...key }, { conversationId: other.conversationId, message: 'Mine' })).status).toBe(201);
    const resolved = await post('/api/v1/actions/resolve-conversation', { ...w.auth, ...key }, { conversationId: w.conversationId });
    expect(resolved.status).toBe(200);
    expect(resolved.replayed).toBeNull();
  });

  it('forgets a key once it has expired, even before the sweep deletes it', async () => {
    const w = await setup();
    const headers = { ...w.auth, 'Idempotency-Key': 'send-5' };
    const body = { conversationId: w.conversationId, message: 'Again' };
    expect((await post(SEND, headers, body)).status).toBe(201);
    await idempotencyRecordModel(testApp.connection).updateOne(
      { _id: idempotencyRecordId(w.workspaceId, 'POST', SEND, 'send-5') },
      { $set: { expiresAt: new Date(Date.now() - 1000) } },
    );
    const again = await post(SEND, headers, body);
    expect(again.status).toBe(201);
    expect(again.replayed).toBeNull();
    expect(await w.countMessages()).toBe(2);
  });

  it('runs POSTs without a key every time', async () => {
    const w = await setup();
    const body = { conversationId: w.conversationId, message: 'Twice' };
    expect((await post(SEND, w.auth, body)).status).toBe(201);
    expect((await post(SEND, w.auth, body)).status).toBe(201);
    expect(await w.countMessages()).toBe(2);
  });

  it.each([['x'.repeat(256)], ['has space']])('answers 422 for the key %j', async (key) => {
    const w = await setup();
    const response = await post(SEND, { ...w.auth, 'Idempotency-Key': key }, { conversationId: w.conversationId, message: 'x' });
    expect(response.status).toBe(422);
    expect(response.body.error.details[0].field).toBe('Idempotency-Key');
  });
});

describe('stored answers', () => {
  it('keep a key shown once encrypted at rest, and replay it', async () => {
    const w = await setup();
    const headers = { ...w.auth, 'Idempotency-Key': 'new-key-1' };
    const created = await post('/api/v1/auth/keys', headers, { name: 'Replayable' });
    expect(created.status).toBe(201);
    const record = await idempotencyRecordModel(testApp.connection).findById(idempotencyRecordId(w.workspaceId, 'POST', '/api/v1/auth/keys', 'new-key-1')).lean();
    expect(record?.body).toEqual(expect.any(String));
    expect(record?.body).not.toContain(created.body.key);
    const replayed = await post('/api/v1/auth/keys', headers, { name: 'Replayable' });
    expect(replayed).toEqual({ ...created, replayed: 'true' });
  });
});

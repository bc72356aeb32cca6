import nock from 'nock';

interface RpcCall {
  id: string;
  storeKey: string;
  method: 'get_cursor' | 'set_cursor';
  params: string[];
}

/**
 * Stands in for Zapier's cursor store, which `z.cursor` reaches over Zapier's RPC endpoint and
 * the app tester does not fake. Keeps cursors in memory per store key, as Zapier does per Zap.
 */
export function fakeCursorStore(): Map<string, string> {
  // Core refuses to call its RPC without a deploy key; the value is never checked here.
  process.env.ZAPIER_DEPLOY_KEY ??= 'test-deploy-key';
  const cursors = new Map<string, string>();
  nock(/^https:\/\/rpc\./)
    .persist()
    .post(/.*/)
    .reply(200, (_uri, body) => {
      // Core posts the call as a JSON string without a content type, so nock leaves it unparsed.
      const call = (typeof body === 'string' ? JSON.parse(body) : body) as RpcCall;
      if (call.method === 'set_cursor') cursors.set(call.storeKey, call.params[0] ?? '');
      return { id: call.id, result: call.method === 'get_cursor' ? (cursors.get(call.storeKey) ?? null) : null };
    }, { 'Content-Type': 'application/json' });
  return cursors;
}

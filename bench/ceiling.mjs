// The ceiling: how many webhook-sized POSTs per second a plain keep-alive undici loop gets
// through to the same receiver, with as many requests in flight as the engine sends at once.
import { randomBytes } from 'node:crypto';
import { eventCatalog, generateSigningSecret, signWebhook } from '@nebulahex/shared';
import { Pool } from 'undici';

/** Runs `concurrency` POST loops for `durationMs`; answers { requests, perSecond }. */
export async function measureCeiling({ receiver, concurrency, durationMs }) {
  const url = new URL(receiver.url('/ceiling'));
  const pool = new Pool(url.origin, { connections: concurrency, pipelining: 1, keepAliveTimeout: 60_000 });
  const secret = generateSigningSecret();
  const deadline = performance.now() + durationMs;
  let requests = 0;
  const loop = async () => {
    while (performance.now() < deadline) {
      const id = `evt_ceiling_${randomBytes(8).toString('hex')}`;
      // The same work per request a delivery's HTTP part has: a signed envelope of a real sample.
      const body = JSON.stringify({ id, type: 'order.lookup', timestamp: new Date().toISOString(), workspaceId: 'ws_bench', test: false, data: eventCatalog['order.lookup'].sample });
      const headers = { 'content-type': 'application/json', ...signWebhook({ id, timestamp: Math.floor(Date.now() / 1000), body, secrets: [secret] }) };
      const response = await pool.request({ path: url.pathname, method: 'POST', headers, body });
      await response.body.text();
      requests += 1;
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, loop));
  const seconds = (performance.now() - started) / 1000;
  await pool.close();
  return { requests, perSecond: requests / seconds };
}

// The local webhook receiver every delivery figure is measured at: answers 200 at once and
// notes when each (path, webhook-id) first arrived, on the same clock the sender uses.
import { once } from 'node:events';
import { createServer } from 'node:http';

/** Starts the receiver on 127.0.0.1; `arrivals` maps `${path} ${webhook-id}` to performance.now() of the first receipt. */
export async function startReceiver() {
  const arrivals = new Map();
  let requests = 0;
  const server = createServer((req, res) => {
    req.on('data', () => {});
    req.on('end', () => {
      requests += 1;
      const key = `${req.url} ${req.headers['webhook-id'] ?? requests}`;
      if (!arrivals.has(key)) arrivals.set(key, performance.now());
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('ok');
    });
  });
  server.keepAliveTimeout = 60_000;
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address();
  return {
    url: (path) => `http://127.0.0.1:${port}${path}`,
    arrivals,
    /** Every request, duplicates included. */
    requestCount: () => requests,
    /** Distinct deliveries received on paths starting with `prefix`. */
    countOn: (prefix) => [...arrivals.keys()].filter((key) => key.startsWith(prefix)).length,
    close: async () => {
      server.closeAllConnections();
      server.close();
    },
  };
}

/** A receiver that reads each request and never answers (every attempt runs into the sender's timeout); counts requests open at once. */
export async function startSilentReceiver() {
  let requests = 0;
  let open = 0;
  let peakOpen = 0;
  const server = createServer((req, res) => {
    requests += 1;
    open += 1;
    peakOpen = Math.max(peakOpen, open);
    res.once('close', () => { open -= 1; });
    req.resume();
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address();
  return {
    url: (path) => `http://127.0.0.1:${port}${path}`,
    stats: () => ({ requests, open, peakOpen }),
    close: async () => {
      server.closeAllConnections();
      server.close();
    },
  };
}

import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  path: string;
  headers: IncomingHttpHeaders;
  /** The raw body, exactly as signed. */
  body: string;
  receivedAt: number;
}

export interface ReceiverAnswer {
  status: number;
  headers?: Record<string, string>;
  body?: string;
  /** Holds the answer back this long (a slow receiver, for timeouts). */
  delayMs?: number;
  /** Holds the answer back until this settles (a receiver that hangs until the test lets it go). */
  until?: Promise<unknown>;
}

/** Decides the answer to the n-th request (0-based) of the receiver. */
export type Responder = (request: ReceivedRequest, index: number) => ReceiverAnswer;

export interface TestReceiver {
  /** `http://127.0.0.1:<port><path>` */
  url(path?: string): string;
  readonly requests: ReceivedRequest[];
  /** Requests received on `path`. */
  on(path: string): ReceivedRequest[];
  respond(responder: Responder): void;
  /** Requests received and not yet answered (or given up by the sender) right now… */
  readonly inFlight: number;
  /** …and the most there ever were at once. */
  readonly peakInFlight: number;
  close(): Promise<void>;
}

/** A real HTTP receiver on 127.0.0.1 that records every request and answers 200 unless told otherwise. */
export async function startTestReceiver(): Promise<TestReceiver> {
  const requests: ReceivedRequest[] = [];
  let responder: Responder = () => ({ status: 200, body: 'ok' });
  const timers = new Set<NodeJS.Timeout>();
  let inFlight = 0;
  let peakInFlight = 0;
  const server: Server = createServer((req, res) => {
    inFlight += 1;
    peakInFlight = Math.max(peakInFlight, inFlight);
    res.once('close', () => (inFlight -= 1));
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const received: ReceivedRequest = { path: req.url ?? '/', headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), receivedAt: Date.now() };
      const answer = responder(received, requests.length);
      requests.push(received);
      const send = () => {
        if (res.destroyed) return;
        res.writeHead(answer.status, answer.headers ?? {});
        res.end(answer.body ?? '');
      };
      if (answer.until) return void answer.until.then(send, send);
      if (!answer.delayMs) return send();
      const timer = setTimeout(() => {
        timers.delete(timer);
        send();
      }, answer.delayMs);
      timers.add(timer);
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as AddressInfo).port;
  return {
    url: (path = '/hook') => `http://127.0.0.1:${port}${path}`,
    requests,
    on: (path) => requests.filter((request) => request.path === path),
    respond(next) {
      responder = next;
    },
    get inFlight() {
      return inFlight;
    },
    get peakInFlight() {
      return peakInFlight;
    },
    async close() {
      for (const timer of timers) clearTimeout(timer);
      server.closeAllConnections();
      server.close();
    },
  };
}

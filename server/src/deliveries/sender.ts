import type { LookupFunction } from 'node:net';
import { Agent, request } from 'undici';
import { TargetRefusedError } from '../net/ssrf.js';
import type { AttemptResult } from './outcome.js';

export interface SendRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
}

export type SendResult = AttemptResult & { durationMs: number; responseExcerpt: string };

export interface Sender {
  send(request: SendRequest): Promise<SendResult>;
  close(): Promise<void>;
}

export interface SenderOptions {
  timeoutMs: number;
  excerptBytes: number;
  /** Connect-time address check (DNS rebinding): refuses private addresses unless allowed. */
  lookup?: LookupFunction;
  /** Connections kept per receiver origin. */
  connectionsPerOrigin?: number;
}

/** Bytes of an answer drained beyond the excerpt so the connection can be reused; larger answers close it. */
const DRAIN_LIMIT_BYTES = 64 * 1024;

/**
 * POSTs deliveries through one keep-alive connection pool. Redirects are never followed
 * (undici's request does not follow them); one deadline covers connect, headers and the
 * excerpt of the answer.
 */
export function createSender(options: SenderOptions): Sender {
  const agent = new Agent({
    connections: options.connectionsPerOrigin ?? 20,
    keepAliveTimeout: 30_000,
    connect: { timeout: options.timeoutMs, ...(options.lookup ? { lookup: options.lookup } : {}) },
  });
  return {
    async send({ url, headers, body }) {
      const started = performance.now();
      const elapsed = () => Math.round(performance.now() - started);
      const signal = AbortSignal.timeout(options.timeoutMs);
      try {
        const response = await request(url, { dispatcher: agent, method: 'POST', headers, body, signal });
        const responseExcerpt = await readExcerpt(response.body, options.excerptBytes);
        const retryAfter = headerValue(response.headers['retry-after']);
        return { statusCode: response.statusCode, retryAfter, durationMs: elapsed(), responseExcerpt };
      } catch (error) {
        return { error: describeError(error, signal, options.timeoutMs), durationMs: elapsed(), responseExcerpt: '' };
      }
    },
    close: () => agent.close(),
  };
}

/** Keeps the first `maxBytes`; reads on (up to a limit) so the connection returns to the pool. */
async function readExcerpt(body: AsyncIterable<Buffer>, maxBytes: number): Promise<string> {
  const chunks: Buffer[] = [];
  let kept = 0;
  let read = 0;
  for await (const chunk of body) {
    if (kept < maxBytes) {
      chunks.push(chunk);
      kept += chunk.length;
    }
    read += chunk.length;
    if (read > DRAIN_LIMIT_BYTES) break; // leaving the loop destroys the body and its connection
  }
  return Buffer.concat(chunks).subarray(0, maxBytes).toString('utf8');
}

function headerValue(value: string | string[] | undefined): string | null {
  return (Array.isArray(value) ? value[0] : value) ?? null;
}

/** The SSRF guard's refusal somewhere in an error's cause chain (undici wraps what the connect-time lookup throws). */
function refusalIn(error: unknown): TargetRefusedError | undefined {
  for (let at = error, depth = 0; at instanceof Error && depth < 5; at = at.cause, depth += 1) {
    if (at instanceof TargetRefusedError) return at;
  }
  return undefined;
}

/** The reason recorded for a target the SSRF guard refused, before sending or at connect time alike. */
export const refusedReason = (refusal: TargetRefusedError) => `target refused: ${refusal.reason}`;

/** A short, secret-free reason: the SSRF guard's refusal, the code of a network error, or the timeout. */
function describeError(error: unknown, signal: AbortSignal, timeoutMs: number): string {
  if (signal.aborted) return `timed out after ${timeoutMs} ms`;
  const refusal = refusalIn(error);
  if (refusal) return refusedReason(refusal);
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
  if (cause instanceof Error) {
    const code = (cause as NodeJS.ErrnoException).code;
    return code ? `${code}: ${cause.message}` : cause.message;
  }
  return 'the request failed';
}

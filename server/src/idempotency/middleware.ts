import type { Context, Middleware } from 'koa';
import type { Connection } from 'mongoose';
import type { Logger } from 'pino';
import { authOf } from '../auth/middleware.js';
import type { Encryptor } from '../crypto/encryption.js';
import { ApiError, ConflictError, ValidationError } from '../http/errors.js';
import { canonicalJson, sha256 } from './fingerprint.js';
import type { IdempotencyRecordDoc } from './model.js';
import { createIdempotencyStore } from './store.js';

/** What an Idempotency-Key may be; the OpenAPI document publishes the same pattern. */
export const IDEMPOTENCY_KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;
const SWEEP_EVERY_MS = 60_000;

export class IdempotencyKeyReusedError extends ApiError {
  constructor() {
    super(422, 'idempotency_key_reused', 'This Idempotency-Key was used with a different request body. Use a new key for a new request.');
  }
}

/** The record id of one Idempotency-Key: scoped to the workspace, the method and the path. */
export function idempotencyRecordId(workspaceId: string, method: string, path: string, key: string): string {
  return sha256(canonicalJson([workspaceId, method, path, key]));
}

function keyOf(ctx: Context): string | undefined {
  const key = ctx.get('Idempotency-Key');
  if (key === '') return undefined;
  if (!IDEMPOTENCY_KEY_PATTERN.test(key)) throw new ValidationError([{ field: 'Idempotency-Key', message: 'must be 1–255 printable ASCII characters' }]);
  return key;
}

/** Answers a repeat of a finished request with its stored answer, or refuses a conflicting one. */
function replay(ctx: Context, record: IdempotencyRecordDoc, fingerprint: string, encryptor: Encryptor): void {
  if (record.fingerprint !== fingerprint) throw new IdempotencyKeyReusedError();
  if (record.state === 'in_flight') {
    throw new ConflictError('A request with this Idempotency-Key is still running: retry in a moment.', 'idempotency_request_in_progress');
  }
  ctx.status = record.status ?? 200;
  ctx.body = record.body === null ? null : (JSON.parse(encryptor.decrypt(record.body)) as unknown);
  ctx.set('Idempotent-Replayed', 'true');
}

export interface IdempotencyOptions {
  connection: Connection;
  logger: Logger;
  /** Stored answers are encrypted: some carry secrets shown once (new API keys, signing secrets). */
  encryptor: Encryptor;
  ttlHours: number;
}

/**
 * `Idempotency-Key` on POST: the first request runs; for `ttlHours` the same key and
 * body replay its stored answer (`Idempotent-Replayed: true`), another body is a 422,
 * and a repeat while the first still runs is a 409. Only successful answers are kept:
 * a failed request changed nothing, so its key is released for a retry. Expired
 * records are ignored on read and swept at most once a minute per process (no TTL index).
 */
export function idempotency({ connection, logger, encryptor, ttlHours }: IdempotencyOptions): Middleware {
  const store = createIdempotencyStore(connection);
  let lastSweep = 0;
  const sweepNow = () => {
    if (Date.now() - lastSweep < SWEEP_EVERY_MS) return;
    lastSweep = Date.now();
    store.sweep().catch((err: unknown) => logger.warn({ err }, 'idempotency sweep failed'));
  };
  return async (ctx, next) => {
    const key = ctx.method === 'POST' ? keyOf(ctx) : undefined;
    if (key === undefined) return next();
    const { workspaceId } = authOf(ctx);
    const id = idempotencyRecordId(workspaceId, ctx.method, ctx.path, key);
    const fingerprint = sha256(canonicalJson(ctx.request.body ?? null));
    const claim = await store.claim({ id, workspaceId, fingerprint, ttlMs: ttlHours * 3_600_000 });
    sweepNow();
    if (!claim.owned) return replay(ctx, claim.record, fingerprint, encryptor);
    try {
      await next();
    } catch (error) {
      await store.release(id);
      throw error;
    }
    const succeeded = ctx.status >= 200 && ctx.status < 300;
    if (succeeded) await store.complete(id, ctx.status, encryptor.encrypt(JSON.stringify(ctx.body ?? null)));
    else await store.release(id);
  };
}

import type { Connection } from 'mongoose';
import { idempotencyRecordModel, type IdempotencyRecordDoc } from './model.js';
import { isDuplicateKey } from '../db/errors.js';

const LOCK_MS = 60_000;

export interface ClaimInput {
  id: string;
  workspaceId: string;
  fingerprint: string;
  ttlMs: number;
}

/** Either this request now owns the key, or the record that holds it. */
export type Claim = { owned: true } | { owned: false; record: IdempotencyRecordDoc };

/** Idempotency records: claim a key, then complete or release it. Expiry is read from `expiresAt`. */
export function createIdempotencyStore(connection: Connection) {
  const Records = idempotencyRecordModel(connection);

  async function insert({ id, workspaceId, fingerprint, ttlMs }: ClaimInput, now: Date): Promise<boolean> {
    const record: IdempotencyRecordDoc = {
      _id: id,
      workspaceId,
      fingerprint,
      state: 'in_flight',
      status: null,
      body: null,
      createdAt: now,
      expiresAt: new Date(now.getTime() + ttlMs),
      lockedUntil: new Date(now.getTime() + LOCK_MS),
    };
    try {
      await Records.create(record);
      return true;
    } catch (error) {
      if (isDuplicateKey(error)) return false;
      throw error;
    }
  }

  return {
    async claim(input: ClaimInput, now = new Date()): Promise<Claim> {
      if (await insert(input, now)) return { owned: true };
      const record = await Records.findById(input.id).lean<IdempotencyRecordDoc>();
      if (!record || record.expiresAt <= now) {
        // Expired (or just released): delete lazily, then claim afresh.
        if (record) await Records.deleteOne({ _id: input.id, expiresAt: record.expiresAt });
        return (await insert(input, now)) ? { owned: true } : this.claim(input, now);
      }
      if (record.state === 'in_flight' && record.lockedUntil <= now && record.fingerprint === input.fingerprint) {
        // The first request's process died: one retry (the one whose conditional update wins) takes the key over.
        const takeover = await Records.updateOne(
          { _id: input.id, state: 'in_flight', lockedUntil: record.lockedUntil },
          { $set: { lockedUntil: new Date(now.getTime() + LOCK_MS) } },
        );
        if (takeover.modifiedCount === 1) return { owned: true };
      }
      return { owned: false, record };
    },

    async complete(id: string, status: number, body: string): Promise<void> {
      await Records.updateOne({ _id: id }, { $set: { state: 'done', status, body } });
    },

    /** Frees the key after a failed request, so a retry runs it again. */
    async release(id: string): Promise<void> {
      await Records.deleteOne({ _id: id, state: 'in_flight' });
    },

    async sweep(now = new Date()): Promise<number> {
      return (await Records.deleteMany({ expiresAt: { $lt: now } })).deletedCount;
    },
  };
}

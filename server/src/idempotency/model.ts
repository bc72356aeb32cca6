import { Schema } from 'mongoose';
import { defineModel } from '../db/model.js';

export interface IdempotencyRecordDoc {
  /** SHA-256 of workspace, method, path and the caller's Idempotency-Key. */
  _id: string;
  workspaceId: string;
  /** SHA-256 of the canonical request body: the same key with another body is refused. */
  fingerprint: string;
  state: 'in_flight' | 'done';
  status: number | null;
  /** The answer's JSON text, encrypted (it may carry a secret shown once), replayed as is. */
  body: string | null;
  createdAt: Date;
  /** Read as "gone" once past, whether or not the sweep has deleted it yet (the embedded database has no TTL index). */
  expiresAt: Date;
  /** An in-flight record older than this belongs to a crashed request and may be taken over. */
  lockedUntil: Date;
}

const IdempotencyRecordSchema = new Schema<IdempotencyRecordDoc>(
  {
    _id: { type: String, required: true },
    workspaceId: { type: String, required: true },
    fingerprint: { type: String, required: true },
    state: { type: String, enum: ['in_flight', 'done'], required: true },
    status: { type: Number, default: null },
    body: { type: String, default: null },
    createdAt: { type: Date, required: true },
    expiresAt: { type: Date, required: true },
    lockedUntil: { type: Date, required: true },
  },
  { versionKey: false },
);
IdempotencyRecordSchema.index({ expiresAt: 1 });

export const idempotencyRecordModel = defineModel('IdempotencyRecord', IdempotencyRecordSchema);

import { Schema } from 'mongoose';
import { defineModel } from '../db/model.js';

export const API_KEY_ROLES = ['admin', 'member'] as const;
export type ApiKeyRole = (typeof API_KEY_ROLES)[number];

/** An API key; the key itself is never stored, only its hash (and, briefly, a sealed copy below). */
export interface ApiKeyDoc {
  _id: string; // key_…
  workspaceId: string;
  name: string;
  /** The first characters of the key, shown in lists so people can tell keys apart. */
  prefix: string;
  /** SHA-256 (hex) of the full key: the only form of the key kept for good. */
  hash: string;
  role: ApiKeyRole;
  createdAt: Date;
  revokedAt: Date | null;
  /** Minute precision: see last-used.ts. */
  lastUsedAt: Date | null;
}

/** The full key, encrypted, until it is revealed once more or the reveal window ends. */
export interface ApiKeyRevealDoc {
  _id: string; // the key id
  workspaceId: string;
  sealedKey: string;
  revealableUntil: Date;
}

const ApiKeySchema = new Schema<ApiKeyDoc>(
  {
    _id: { type: String, required: true },
    workspaceId: { type: String, required: true },
    name: { type: String, required: true },
    prefix: { type: String, required: true },
    hash: { type: String, required: true },
    role: { type: String, enum: API_KEY_ROLES, required: true },
    createdAt: { type: Date, required: true },
    revokedAt: { type: Date, default: null },
    lastUsedAt: { type: Date, default: null },
  },
  { versionKey: false },
);
// Every authenticated request finds its key by hash.
ApiKeySchema.index({ hash: 1 }, { unique: true });
ApiKeySchema.index({ workspaceId: 1, _id: -1 });

const ApiKeyRevealSchema = new Schema<ApiKeyRevealDoc>(
  {
    _id: { type: String, required: true },
    workspaceId: { type: String, required: true },
    sealedKey: { type: String, required: true },
    revealableUntil: { type: Date, required: true },
  },
  { versionKey: false },
);
ApiKeyRevealSchema.index({ revealableUntil: 1 });

export const apiKeyModel = defineModel('ApiKey', ApiKeySchema);
export const apiKeyRevealModel = defineModel('ApiKeyReveal', ApiKeyRevealSchema);

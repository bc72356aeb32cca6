import { Schema } from 'mongoose';
import { defineModel } from '../db/model.js';

export const API_KEY_ROLES = ['admin', 'member'] as const;
export type ApiKeyRole = (typeof API_KEY_ROLES)[number];

/**
 * An API key. Written only at creation and revocation: on FerretDB 1.x an update
 * rewrites the whole document from what it read, so a concurrent write of any other
 * field (a lastUsedAt stamp, a reveal) could put back `revokedAt: null`. What changes
 * often or separately lives in its own collection below.
 */
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
}

/** When a key was last used (minute precision). */
export interface ApiKeyUsageDoc {
  _id: string; // the key id
  lastUsedAt: Date;
}

/**
 * Finds a key by its hash through `_id`: FerretDB 1.x uses no secondary index, so a
 * query on `hash` would scan every key on every request. Written at creation (or on
 * first use, for keys made before it existed) and never changed.
 */
export interface ApiKeyLookupDoc {
  _id: string; // the key's hash
  keyId: string;
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
  },
  { versionKey: false },
);
ApiKeySchema.index({ hash: 1 }, { unique: true });
ApiKeySchema.index({ workspaceId: 1, _id: -1 });

const ApiKeyUsageSchema = new Schema<ApiKeyUsageDoc>(
  { _id: { type: String, required: true }, lastUsedAt: { type: Date, required: true } },
  { versionKey: false },
);

const ApiKeyLookupSchema = new Schema<ApiKeyLookupDoc>(
  { _id: { type: String, required: true }, keyId: { type: String, required: true } },
  { versionKey: false },
);

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
export const apiKeyUsageModel = defineModel('ApiKeyUsage', ApiKeyUsageSchema);
export const apiKeyLookupModel = defineModel('ApiKeyLookup', ApiKeyLookupSchema);
export const apiKeyRevealModel = defineModel('ApiKeyReveal', ApiKeyRevealSchema);

import { Schema } from 'mongoose';
import { defineModel } from '../db/model.js';

export const API_KEY_ROLES = ['admin', 'member'] as const;
export type ApiKeyRole = (typeof API_KEY_ROLES)[number];

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
  lastUsedAt: Date | null;
  revokedAt: Date | null;
  /** The full key, encrypted, until it is revealed once more or the reveal window ends. */
  sealedKey: string | null;
  revealableUntil: Date | null;
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
    lastUsedAt: { type: Date, default: null },
    revokedAt: { type: Date, default: null },
    sealedKey: { type: String, default: null },
    revealableUntil: { type: Date, default: null },
  },
  { versionKey: false },
);
ApiKeySchema.index({ hash: 1 }, { unique: true });
ApiKeySchema.index({ workspaceId: 1, _id: -1 });
ApiKeySchema.index({ revealableUntil: 1 });

export const apiKeyModel = defineModel('ApiKey', ApiKeySchema);

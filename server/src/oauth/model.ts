import { Schema } from 'mongoose';
import { defineModel } from '../db/model.js';

/** One oidc-provider model instance (a grant, token, code, interaction or session). */
export interface OAuthRecordDoc {
  _id: string; // `<Model>:<id>`; for tokens and codes `<Model>:<SHA-256 of the value>`
  kind: string;
  /** oidc-provider's payload as JSON text (without the value of a token or code). */
  payload: string;
  grantId: string | null;
  uid: string | null;
  /** When a single-use code or token was used (epoch seconds). */
  consumed: number | null;
  expiresAt: Date | null;
}

/** An app connected to a workspace: one consented grant, what the portal lists and revokes. */
export interface OAuthConnectionDoc {
  _id: string; // `oac_…`
  workspaceId: string;
  grantId: string;
  clientId: string;
  clientName: string;
  /** Who allowed it, as the portal session named them. */
  connectedBy: string;
  createdAt: Date;
  /** Stamped at most once a minute per process. */
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

const OAuthRecordSchema = new Schema<OAuthRecordDoc>(
  {
    _id: { type: String, required: true },
    kind: { type: String, required: true },
    payload: { type: String, required: true },
    grantId: { type: String, default: null },
    uid: { type: String, default: null },
    consumed: { type: Number, default: null },
    expiresAt: { type: Date, default: null },
  },
  { versionKey: false, collection: 'oauth_records' },
);
OAuthRecordSchema.index({ grantId: 1, kind: 1 });
OAuthRecordSchema.index({ uid: 1 }, { sparse: true });
OAuthRecordSchema.index({ expiresAt: 1 });

const OAuthConnectionSchema = new Schema<OAuthConnectionDoc>(
  {
    _id: { type: String, required: true },
    workspaceId: { type: String, required: true },
    grantId: { type: String, required: true, unique: true },
    clientId: { type: String, required: true },
    clientName: { type: String, required: true },
    connectedBy: { type: String, required: true },
    createdAt: { type: Date, required: true },
    lastUsedAt: { type: Date, default: null },
    revokedAt: { type: Date, default: null },
  },
  { versionKey: false, collection: 'oauth_connections' },
);
OAuthConnectionSchema.index({ workspaceId: 1, _id: -1 });

export const oauthRecordModel = defineModel('OAuthRecord', OAuthRecordSchema);
export const oauthConnectionModel = defineModel('OAuthConnection', OAuthConnectionSchema);

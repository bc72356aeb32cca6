import { Schema } from 'mongoose';
import { defineModel } from '../db/model.js';

/** A single-use sign-in link. Only the token's hash is kept; `usedAt` tells a reused link from an unknown one. */
export interface PortalLinkDoc {
  _id: string; // SHA-256 (hex) of the link token
  workspaceId: string;
  /** Who the link is for, as consent screens and connected apps name them. */
  signedInAs: string;
  createdAt: Date;
  expiresAt: Date;
  usedAt: Date | null;
}

/** A portal session, found by the hash of its cookie's token. */
export interface PortalSessionDoc {
  _id: string; // SHA-256 (hex) of the session token
  /** `psn_…`: what rate limits, stamps and the CSRF token are derived from (never the token). */
  sessionId: string;
  workspaceId: string;
  /** Copied from the link that started it. */
  signedInAs: string;
  createdAt: Date;
  /** Renewed by use (at most once a minute): the idle expiry counts from here. */
  lastSeenAt: Date;
  /** The absolute end, whatever the use. */
  expiresAt: Date;
}

const PortalLinkSchema = new Schema<PortalLinkDoc>(
  {
    _id: { type: String, required: true },
    workspaceId: { type: String, required: true },
    signedInAs: { type: String, default: 'a portal user' },
    createdAt: { type: Date, required: true },
    expiresAt: { type: Date, required: true },
    usedAt: { type: Date, default: null },
  },
  { versionKey: false },
);
PortalLinkSchema.index({ expiresAt: 1 });

const PortalSessionSchema = new Schema<PortalSessionDoc>(
  {
    _id: { type: String, required: true },
    sessionId: { type: String, required: true },
    workspaceId: { type: String, required: true },
    signedInAs: { type: String, default: 'a portal user' },
    createdAt: { type: Date, required: true },
    lastSeenAt: { type: Date, required: true },
    expiresAt: { type: Date, required: true },
  },
  { versionKey: false },
);
PortalSessionSchema.index({ expiresAt: 1 });

export const portalLinkModel = defineModel('PortalLink', PortalLinkSchema);
export const portalSessionModel = defineModel('PortalSession', PortalSessionSchema);

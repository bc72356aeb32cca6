import { Schema } from 'mongoose';
import { defineModel } from '../db/model.js';

export const HOOK_STATUSES = ['active', 'paused'] as const;
export type HookStatus = (typeof HOOK_STATUSES)[number];

/** One signing secret, sealed with the configured encryption key. */
export interface SealedSecret {
  sealed: string;
  createdAt: Date;
  /** Set on the old secret at rotation: it keeps signing until then. */
  expiresAt: Date | null;
}

export interface HookDoc {
  _id: string; // hook_…
  workspaceId: string;
  event: string;
  targetUrl: string;
  botId: string | null;
  status: HookStatus;
  pausedReason: string | null;
  pausedAt: Date | null;
  secrets: SealedSecret[];
  /**
   * Failed deliveries count towards a pause from here (creation, or the last resume).
   * The counters themselves are counted from the deliveries (see stats.ts).
   */
  failuresCountedFrom: Date;
  lastSuccessAt: Date | null;
  lastFailureAt: Date | null;
  apiKeyId: string | null;
  createdAt: Date;
}

const SecretSchema = new Schema<SealedSecret>(
  { sealed: { type: String, required: true }, createdAt: { type: Date, required: true }, expiresAt: { type: Date, default: null } },
  { _id: false },
);

const HookSchema = new Schema<HookDoc>(
  {
    _id: { type: String, required: true },
    workspaceId: { type: String, required: true },
    event: { type: String, required: true },
    targetUrl: { type: String, required: true },
    botId: { type: String, default: null },
    status: { type: String, enum: HOOK_STATUSES, default: 'active' },
    pausedReason: { type: String, default: null },
    pausedAt: { type: Date, default: null },
    secrets: { type: [SecretSchema], required: true },
    failuresCountedFrom: { type: Date, required: true },
    lastSuccessAt: { type: Date, default: null },
    lastFailureAt: { type: Date, default: null },
    apiKeyId: { type: String, default: null },
    createdAt: { type: Date, required: true },
  },
  { versionKey: false },
);
// Fan-out looks up the subscriptions of one event type in one workspace.
HookSchema.index({ workspaceId: 1, event: 1 });

export const hookModel = defineModel('Hook', HookSchema);

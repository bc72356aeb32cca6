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
  /** The first of `events`: what a one-event REST hook subscribed to. */
  event: string;
  /** Every event type the endpoint receives (absent on hooks made before there could be several). */
  events?: string[];
  targetUrl: string;
  description?: string;
  /** Custom headers for the receiver, sealed (JSON), and their masked form for display. */
  sealedHeaders?: string | null;
  maskedHeaders?: Record<string, string>;
  botId: string | null;
  /** Deliveries sent to this endpoint at once by one worker process; null (or absent): the server's default. */
  maxConcurrency?: number | null;
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
    events: { type: [String], default: undefined },
    targetUrl: { type: String, required: true },
    description: { type: String, default: '' },
    sealedHeaders: { type: String, default: null },
    maskedHeaders: { type: Schema.Types.Mixed, default: undefined },
    botId: { type: String, default: null },
    maxConcurrency: { type: Number, default: null },
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
HookSchema.index({ workspaceId: 1, events: 1 });
// The paused-subscriptions gauge of /metrics.
HookSchema.index({ status: 1 });

/** The event types a hook receives (a hook from before `events` has only `event`). */
export function eventsOf(hook: Pick<HookDoc, 'event' | 'events'>): string[] {
  return hook.events && hook.events.length > 0 ? hook.events : [hook.event];
}

/** Matches the hooks that receive `type`, old and new. */
export function receivesEvent(type: string) {
  return { $or: [{ event: type }, { events: type }] };
}

export const hookModel = defineModel('Hook', HookSchema);

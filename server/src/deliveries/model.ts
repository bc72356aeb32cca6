import { Schema } from 'mongoose';
import { defineModel } from '../db/model.js';

export const DELIVERY_STATUSES = ['pending', 'sending', 'succeeded', 'failed', 'held'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

export interface AttemptDoc {
  number: number;
  startedAt: Date;
  durationMs: number;
  statusCode: number | null;
  /** Why the attempt did not succeed (network error, timeout, status); null when it did. */
  error: string | null;
  responseExcerpt: string;
  outcome: string;
}

/**
 * One event for one subscription: the source of truth for its delivery. A worker takes
 * a lease (`lockedUntil`/`lockedBy`) before sending, so no two send one attempt at once;
 * a crashed worker's lease runs out and the sweep picks the delivery up again.
 */
export interface DeliveryDoc {
  _id: string; // dlv_…
  eventId: string;
  subscriptionId: string;
  workspaceId: string;
  eventType: string;
  status: DeliveryStatus;
  attemptCount: number;
  /** attemptCount when this round began (creation, replay, recover): the retry schedule counts from here. */
  roundStart: number;
  nextAttemptAt: Date;
  lockedUntil: Date;
  lockedBy: string | null;
  lastStatusCode: number | null;
  lastDurationMs: number | null;
  failureReason: string | null;
  attempts: AttemptDoc[];
  createdAt: Date;
  updatedAt: Date;
  completedAt: Date | null;
}

const AttemptSchema = new Schema<AttemptDoc>(
  {
    number: Number,
    startedAt: Date,
    durationMs: Number,
    statusCode: { type: Number, default: null },
    error: { type: String, default: null },
    responseExcerpt: { type: String, default: '' },
    outcome: String,
  },
  { _id: false },
);

const DeliverySchema = new Schema<DeliveryDoc>(
  {
    _id: { type: String, required: true },
    eventId: { type: String, required: true },
    subscriptionId: { type: String, required: true },
    workspaceId: { type: String, required: true },
    eventType: { type: String, required: true },
    status: { type: String, enum: DELIVERY_STATUSES, required: true },
    attemptCount: { type: Number, default: 0 },
    roundStart: { type: Number, default: 0 },
    nextAttemptAt: { type: Date, required: true },
    lockedUntil: { type: Date, required: true },
    lockedBy: { type: String, default: null },
    lastStatusCode: { type: Number, default: null },
    lastDurationMs: { type: Number, default: null },
    failureReason: { type: String, default: null },
    attempts: { type: [AttemptSchema], default: [] },
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
    completedAt: { type: Date, default: null },
  },
  { versionKey: false, minimize: false },
);
// The platform never creates two deliveries for one event and subscription.
DeliverySchema.index({ eventId: 1, subscriptionId: 1 }, { unique: true });
DeliverySchema.index({ subscriptionId: 1, status: 1, _id: -1 });
// The sweep: unfinished deliveries that are due.
DeliverySchema.index({ status: 1, nextAttemptAt: 1 });
DeliverySchema.index({ createdAt: 1 });
// Delivery statistics (stats/service.ts): one endpoint's, or the workspace's, since a time.
DeliverySchema.index({ subscriptionId: 1, createdAt: -1 });
DeliverySchema.index({ workspaceId: 1, createdAt: -1 });

export const deliveryModel = defineModel('Delivery', DeliverySchema);

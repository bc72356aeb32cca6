import { Schema } from 'mongoose';
import { defineModel } from '../db/model.js';

/**
 * The recent requests of one API key: the times (epoch ms, ascending) of its newest
 * admitted requests, at most `max` of them. That is all an exact sliding window needs: a
 * request is admitted when fewer than `max` are kept or the oldest kept one has left the
 * window.
 */
export interface RateLimitBucketDoc {
  _id: string; // the API key id
  hits: number[];
  /** When the newest hit leaves the window: the sweep deletes buckets past it. */
  expiresAt: Date;
}

const RateLimitBucketSchema = new Schema<RateLimitBucketDoc>(
  {
    _id: { type: String, required: true },
    hits: { type: [Number], default: [] },
    expiresAt: { type: Date, required: true },
  },
  { versionKey: false },
);
// The sweep deletes by it (a plain index: the embedded database has no TTL indexes).
RateLimitBucketSchema.index({ expiresAt: 1 });

export const rateLimitBucketModel = defineModel('RateLimitBucket', RateLimitBucketSchema);

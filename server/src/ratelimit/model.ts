import { Schema } from 'mongoose';
import { defineModel } from '../db/model.js';

/**
 * The recent requests of one API key: the times (epoch ms, **newest first**) its admitted
 * requests are counted at, at most `max` of them. That is all an exact sliding window
 * needs: the window has room for `k` more while the time at index `max - k` is absent or
 * has left the window. A time may lie up to a block's length in the future (see
 * limiter.ts): a request served from a block is counted until the block's end.
 */
export interface RateLimitBucketDoc {
  _id: string; // the API key id
  times: number[];
  /** When the newest time leaves the window: the sweep deletes buckets past it. */
  expiresAt: Date;
}

const RateLimitBucketSchema = new Schema<RateLimitBucketDoc>(
  {
    _id: { type: String, required: true },
    times: { type: [Number], default: [] },
    expiresAt: { type: Date, required: true },
  },
  { versionKey: false },
);
// The sweep deletes by it (a plain index: the embedded database has no TTL indexes).
RateLimitBucketSchema.index({ expiresAt: 1 });

export const rateLimitBucketModel = defineModel('RateLimitBucket', RateLimitBucketSchema);

import { Schema } from 'mongoose';
import { defineModel } from '../db/model.js';

/** One API key's recent requests: a sliding log of at most `max` timestamps. */
export interface RateLimitBucketDoc {
  _id: string; // the API key id
  /** Epoch milliseconds of the latest admitted requests, oldest first, at most the limit. */
  hits: number[];
  /** When the whole log is outside the window: the sweep may delete the bucket after this. */
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
// A plain index, not a TTL one (FerretDB 1.x has none): the sweep deletes by it.
RateLimitBucketSchema.index({ expiresAt: 1 });

export const rateLimitBucketModel = defineModel('RateLimitBucket', RateLimitBucketSchema);

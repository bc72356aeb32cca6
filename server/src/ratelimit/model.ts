import { Schema } from 'mongoose';
import { defineModel } from '../db/model.js';

/** One admitted request of one API key: the sliding log is the key's hits inside the window. */
export interface RateLimitHitDoc {
  _id: string; // unique per request; breaks ties between hits of the same millisecond
  key: string; // the API key id
  /** Epoch milliseconds of the request. */
  at: number;
  /** When the hit leaves the window: the sweep may delete it after this. */
  expiresAt: Date;
}

const RateLimitHitSchema = new Schema<RateLimitHitDoc>(
  {
    _id: { type: String, required: true },
    key: { type: String, required: true },
    at: { type: Number, required: true },
    expiresAt: { type: Date, required: true },
  },
  { versionKey: false },
);
RateLimitHitSchema.index({ key: 1, at: 1, _id: 1 });
// A plain index, not a TTL one (FerretDB 1.x has none): the sweep deletes by it.
RateLimitHitSchema.index({ expiresAt: 1 });

export const rateLimitHitModel = defineModel('RateLimitHit', RateLimitHitSchema);

import { Schema } from 'mongoose';
import { defineModel } from '../db/model.js';

/**
 * One admitted request of one API key. Tickets of a key are numbered 1, 2, 3… with
 * `_id` `<key>#<n>`, so taking the next number is an insert exactly one contender wins.
 */
export interface RateLimitTicketDoc {
  _id: string;
  key: string; // the API key id
  n: number;
  /** Epoch milliseconds of the request; never decreases along a key's tickets. */
  at: number;
  /** When the ticket leaves the window: the sweep deletes it a window after this. */
  expiresAt: Date;
}

/**
 * Where a key's numbering stands, for a process that has not seen the key lately: a
 * ticket number that was taken (possibly a little behind the newest, never ahead). The
 * sweep keeps that ticket and every later one, so the numbering continues from it
 * without a query on `key`, which FerretDB 1.x answers by scanning every ticket.
 */
export interface RateLimitHeadDoc {
  _id: string; // the API key id
  n: number;
}

const RateLimitTicketSchema = new Schema<RateLimitTicketDoc>(
  {
    _id: { type: String, required: true },
    key: { type: String, required: true },
    n: { type: Number, required: true },
    at: { type: Number, required: true },
    expiresAt: { type: Date, required: true },
  },
  { versionKey: false },
);
// Used on MongoDB by the rare fallback that looks for a key's newest ticket without a head.
RateLimitTicketSchema.index({ key: 1, n: -1 });
// A plain index, not a TTL one (FerretDB 1.x has none): the sweep deletes by it.
RateLimitTicketSchema.index({ expiresAt: 1 });

const RateLimitHeadSchema = new Schema<RateLimitHeadDoc>(
  { _id: { type: String, required: true }, n: { type: Number, required: true } },
  { versionKey: false },
);

export const rateLimitTicketModel = defineModel('RateLimitTicket', RateLimitTicketSchema);
export const rateLimitHeadModel = defineModel('RateLimitHead', RateLimitHeadSchema);

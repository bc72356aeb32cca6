import { Schema } from 'mongoose';
import { defineModel } from '../db/model.js';

export interface EventDoc {
  _id: string; // evt_…
  workspaceId: string;
  type: string;
  /** The bot the event concerns, copied out of `data` for subscription filters. */
  botId: string | null;
  test: boolean;
  data: Record<string, unknown>;
  createdAt: Date;
}

const EventSchema = new Schema<EventDoc>(
  {
    _id: { type: String, required: true },
    workspaceId: { type: String, required: true },
    type: { type: String, required: true },
    botId: { type: String, default: null },
    test: { type: Boolean, default: false },
    data: { type: Schema.Types.Mixed, required: true },
    createdAt: { type: Date, required: true },
  },
  { versionKey: false, minimize: false },
);
EventSchema.index({ workspaceId: 1, type: 1, _id: -1 });
EventSchema.index({ workspaceId: 1, createdAt: -1 }); // caller-chosen ids do not sort by time
EventSchema.index({ createdAt: 1 });

export const eventModel = defineModel('Event', EventSchema);

import { Schema } from 'mongoose';
import { defineModel } from '../db/model.js';

export interface BotDoc {
  _id: string; // bot_…
  workspaceId: string;
  name: string;
  isActive: boolean;
  createdAt: Date;
  updatedAt: Date;
}

const BotSchema = new Schema<BotDoc>(
  {
    _id: { type: String, required: true },
    workspaceId: { type: String, required: true },
    name: { type: String, required: true },
    isActive: { type: Boolean, default: true },
  },
  { versionKey: false, timestamps: true },
);
BotSchema.index({ workspaceId: 1, _id: -1 });

export const botModel = defineModel('Bot', BotSchema);

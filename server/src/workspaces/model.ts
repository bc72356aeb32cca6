import { Schema } from 'mongoose';
import { defineModel } from '../db/model.js';

export interface WorkspaceDoc {
  _id: string; // ws_…
  name: string;
  createdAt: Date;
  updatedAt: Date;
}

const WorkspaceSchema = new Schema<WorkspaceDoc>(
  {
    _id: { type: String, required: true },
    name: { type: String, required: true },
  },
  { versionKey: false, timestamps: true },
);

export const workspaceModel = defineModel('Workspace', WorkspaceSchema);

import { Schema } from 'mongoose';
import { defineModel } from '../db/model.js';

export const CONVERSATION_STATUSES = ['open', 'escalated', 'resolved'] as const;
export type ConversationStatus = (typeof CONVERSATION_STATUSES)[number];
export const MESSAGE_SENDERS = ['bot', 'user', 'team'] as const;
export type MessageSender = (typeof MESSAGE_SENDERS)[number];

export interface Lead {
  leadId: string;
  /** Lower-cased, so the `leadEmail` filter matches however it was typed. */
  email: string | null;
  name: string | null;
  phone: string | null;
  capturedAt: Date;
  /** The API key that captured it through `POST /actions/capture-lead` (forensics); null when the bot did. */
  apiKeyId?: string | null;
}

export interface ConversationDoc {
  _id: string; // cnv_…
  workspaceId: string;
  botId: string;
  sessionId: string;
  channel: string;
  status: ConversationStatus;
  lead: Lead | null;
  escalationReason: string | null;
  escalatedAt: Date | null;
  resolvedAt: Date | null;
  /** The API key that resolved it (forensics). */
  resolvedByApiKeyId: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface MessageDoc {
  _id: string; // msg_…
  workspaceId: string;
  conversationId: string;
  botId: string;
  sender: MessageSender;
  text: string;
  channel: string;
  sentAt: Date;
  /** The API key that sent it; null for messages reported by the bot engine. */
  apiKeyId: string | null;
}

const LeadSchema = new Schema<Lead>(
  {
    leadId: { type: String, required: true },
    email: { type: String, default: null },
    name: { type: String, default: null },
    phone: { type: String, default: null },
    capturedAt: { type: Date, required: true },
    apiKeyId: { type: String, default: null },
  },
  { _id: false },
);

const ConversationSchema = new Schema<ConversationDoc>(
  {
    _id: { type: String, required: true },
    workspaceId: { type: String, required: true },
    botId: { type: String, required: true },
    sessionId: { type: String, required: true },
    channel: { type: String, required: true },
    status: { type: String, enum: CONVERSATION_STATUSES, default: 'open' },
    lead: { type: LeadSchema, default: null },
    escalationReason: { type: String, default: null },
    escalatedAt: { type: Date, default: null },
    resolvedAt: { type: Date, default: null },
    resolvedByApiKeyId: { type: String, default: null },
  },
  { versionKey: false, timestamps: true },
);
ConversationSchema.index({ workspaceId: 1, _id: -1 });
ConversationSchema.index({ workspaceId: 1, botId: 1, _id: -1 });
ConversationSchema.index({ workspaceId: 1, 'lead.email': 1 });
ConversationSchema.index({ workspaceId: 1, updatedAt: 1 });
ConversationSchema.index({ workspaceId: 1, resolvedAt: -1, _id: -1 });

const MessageSchema = new Schema<MessageDoc>(
  {
    _id: { type: String, required: true },
    workspaceId: { type: String, required: true },
    conversationId: { type: String, required: true },
    botId: { type: String, required: true },
    sender: { type: String, enum: MESSAGE_SENDERS, required: true },
    text: { type: String, default: '' },
    channel: { type: String, required: true },
    sentAt: { type: Date, required: true },
    apiKeyId: { type: String, default: null },
  },
  { versionKey: false },
);
MessageSchema.index({ workspaceId: 1, conversationId: 1, sentAt: -1 });

export const conversationModel = defineModel('Conversation', ConversationSchema);
export const messageModel = defineModel('Message', MessageSchema);

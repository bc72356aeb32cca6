import type { Connection } from 'mongoose';
import { z } from 'zod';
import { conversationModel, messageModel, type MessageDoc } from './model.js';
import { setOnConversation } from './write.js';
import { isDuplicateKey } from '../db/errors.js';

/** An ingested event, already validated against the catalog by the caller. */
export interface IngestedEvent {
  workspaceId: string;
  type: string;
  data: Record<string, unknown>;
}

export interface AppliedEvent {
  /** False when the event type changes no conversation, or its conversation is not the workspace's. */
  applied: boolean;
}

// Only the fields this module reads; the catalog in shared/ is the full contract.
const optionalText = z.string().nullish().transform((value) => value ?? null);
const LeadCaptured = z.object({
  conversationId: z.string(),
  leadId: z.string(),
  capturedFields: z.object({ email: optionalText, name: optionalText, phone: optionalText }).partial().default({}),
  capturedAt: z.coerce.date().optional(),
});
const Escalation = z.object({ conversationId: z.string(), reason: optionalText, escalatedAt: z.coerce.date().optional() });
const MessageSent = z.object({
  conversationId: z.string(),
  botId: z.string(),
  messageId: z.string(),
  channel: z.string().optional(),
  sentAt: z.coerce.date().optional(),
  text: z.string().nullish(),
  sender: z.object({ type: z.enum(['bot', 'agent', 'api']), apiKeyId: z.string().nullish() }).optional(),
});

/** The catalog's sender types as stored senders: the bot's own messages, or the team's (agent or API). */
const storedSender = (type: 'bot' | 'agent' | 'api' | undefined): MessageDoc['sender'] => (type === undefined || type === 'bot' ? 'bot' : 'team');

type Handler = (connection: Connection, workspaceId: string, data: unknown) => Promise<boolean>;

const handlers: Record<string, Handler> = {
  'lead.captured': async (connection, workspaceId, raw) => {
    const data = LeadCaptured.parse(raw);
    const fields = data.capturedFields;
    const lead = {
      leadId: data.leadId,
      email: fields.email ? fields.email.toLowerCase() : null,
      name: fields.name ?? null,
      phone: fields.phone ?? null,
      capturedAt: data.capturedAt ?? new Date(),
    };
    return setOnConversation(connection, { conversationId: data.conversationId, workspaceId }, { lead, updatedAt: new Date() });
  },
  'conversation.escalation': async (connection, workspaceId, raw) => {
    const data = Escalation.parse(raw);
    const escalation = { status: 'escalated' as const, escalationReason: data.reason, escalatedAt: data.escalatedAt ?? new Date(), updatedAt: new Date() };
    return setOnConversation(connection, { conversationId: data.conversationId, workspaceId }, escalation);
  },
  'message.sent': async (connection, workspaceId, raw) => {
    const data = MessageSent.parse(raw);
    const conversation = await conversationModel(connection).findOne({ _id: data.conversationId, workspaceId }).lean();
    if (!conversation) return false;
    const message: MessageDoc = {
      _id: data.messageId,
      workspaceId,
      conversationId: conversation._id,
      botId: data.botId,
      sender: storedSender(data.sender?.type),
      text: data.text ?? '',
      channel: data.channel ?? conversation.channel,
      sentAt: data.sentAt ?? new Date(),
      apiKeyId: data.sender?.apiKeyId ?? null,
    };
    // Keyed on the message id, so an event ingested twice stores one message.
    await messageModel(connection)
      .create(message)
      .catch((error: unknown) => {
        if (!isDuplicateKey(error)) throw error;
      });
    await setOnConversation(connection, { conversationId: conversation._id, workspaceId }, { updatedAt: new Date() });
    return true;
  },
};

/**
 * Lets an ingested event change the conversation it concerns (internal POST /events
 * calls it after validating the event): `lead.captured` stores the lead,
 * `conversation.escalation` marks the conversation escalated, `message.sent` stores the
 * message. Every write is scoped to the event's workspace; other types change nothing.
 */
export async function applyEventToConversation(connection: Connection, event: IngestedEvent): Promise<AppliedEvent> {
  const handler = handlers[event.type];
  if (!handler) return { applied: false };
  return { applied: await handler(connection, event.workspaceId, event.data) };
}

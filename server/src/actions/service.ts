import type { Connection } from 'mongoose';
import { getConversation } from '../conversations/service.js';
import { messageModel, type ConversationDoc, type MessageDoc } from '../conversations/model.js';
import { setOnConversation } from '../conversations/write.js';
import { newId } from '../db/model.js';
import type { EventPublisher } from '../events/publisher.js';
import { ConflictError } from '../http/errors.js';

export interface ActionDeps {
  connection: Connection;
  events: EventPublisher;
}

export interface Caller {
  workspaceId: string;
  apiKeyId: string;
  /** The call came from the Zapier connector (its User-Agent); `message.sent` says so. */
  viaZapier?: boolean;
}

/**
 * Stores a message from the team and emits `message.sent`. A resolved conversation is
 * refused (409 `conversation_resolved`): its session is closed, so the message would
 * reach nobody; resolving is final from the API's side.
 */
export async function sendMessage({ connection, events }: ActionDeps, caller: Caller, input: { conversationId: string; message: string }): Promise<MessageDoc> {
  const conversation = await getConversation(connection, caller.workspaceId, input.conversationId);
  if (conversation.status === 'resolved') {
    throw new ConflictError('The conversation is resolved: messages can no longer be sent to it.', 'conversation_resolved');
  }
  const sentAt = new Date();
  const message: MessageDoc = {
    _id: newId('msg'),
    workspaceId: caller.workspaceId,
    conversationId: conversation._id,
    botId: conversation.botId,
    sender: 'team',
    text: input.message,
    channel: conversation.channel,
    sentAt,
    apiKeyId: caller.apiKeyId,
  };
  await messageModel(connection).create(message);
  await setOnConversation(connection, { conversationId: conversation._id, workspaceId: caller.workspaceId }, { updatedAt: sentAt });
  await publishMessageSent(events, conversation, message, caller.viaZapier ?? false);
  return message;
}

/** `message.sent` for a message sent through the API: full confidence, never a fallback, and who sent it. */
async function publishMessageSent(events: EventPublisher, conversation: ConversationDoc, message: MessageDoc, viaZapier: boolean): Promise<void> {
  await events.publish({
    workspaceId: conversation.workspaceId,
    type: 'message.sent',
    data: {
      conversationId: conversation._id,
      botId: conversation.botId,
      sessionId: conversation.sessionId,
      messageId: message._id,
      text: message.text,
      sender: { type: 'api', apiKeyId: message.apiKeyId, viaZapier },
      channel: conversation.channel,
      confidenceScore: 1,
      wasFallback: false,
      sentAt: message.sentAt.toISOString(),
    },
  });
}

/** Marks the conversation resolved; resolving it again answers the first resolution. */
export async function resolveConversation({ connection }: Pick<ActionDeps, 'connection'>, caller: Caller, conversationId: string): Promise<Date> {
  const now = new Date();
  const resolution = { status: 'resolved' as const, resolvedAt: now, resolvedByApiKeyId: caller.apiKeyId, updatedAt: now };
  const ref = { conversationId, workspaceId: caller.workspaceId };
  if (await setOnConversation(connection, ref, resolution, { status: { $ne: 'resolved' } })) return now;
  const conversation = await getConversation(connection, caller.workspaceId, conversationId);
  return conversation.resolvedAt ?? now;
}

import type { Connection, QueryFilter } from 'mongoose';
import { getBot } from '../bots/service.js';
import { newId } from '../db/model.js';
import { paginate, type Page } from '../db/paginate.js';
import { NotFoundError } from '../http/errors.js';
import { conversationModel, messageModel, type ConversationDoc, type MessageDoc } from './model.js';
import type { CreateConversationIn, ListConversationsQuery } from './schema.js';

const LATEST_MESSAGES = 20;

/** Opens a conversation for one of the workspace's bots (404 when the bot is not the workspace's). */
export async function createConversation(connection: Connection, workspaceId: string, input: CreateConversationIn): Promise<ConversationDoc> {
  await getBot(connection, workspaceId, input.botId);
  const now = new Date();
  const conversation: ConversationDoc = {
    _id: newId('cnv'),
    workspaceId,
    botId: input.botId,
    sessionId: input.sessionId ?? newId('ses'),
    channel: input.channel,
    status: 'open',
    lead: null,
    escalationReason: null,
    escalatedAt: null,
    resolvedAt: null,
    resolvedByApiKeyId: null,
    createdAt: now,
    updatedAt: now,
  };
  await conversationModel(connection).create(conversation);
  return conversation;
}

/** The workspace's conversation, or 404 (also for another workspace's conversation). */
export async function getConversation(connection: Connection, workspaceId: string, conversationId: string): Promise<ConversationDoc> {
  const conversation = await conversationModel(connection).findOne({ _id: conversationId, workspaceId }).lean<ConversationDoc>();
  if (!conversation) throw new NotFoundError('Conversation', 'conversation_not_found');
  return conversation;
}

export async function latestMessages(connection: Connection, workspaceId: string, conversationId: string): Promise<MessageDoc[]> {
  return messageModel(connection).find({ workspaceId, conversationId }).sort({ sentAt: -1, _id: -1 }).limit(LATEST_MESSAGES).lean<MessageDoc[]>();
}

export async function listConversations(connection: Connection, workspaceId: string, query: ListConversationsQuery): Promise<Page<ConversationDoc>> {
  const filter: QueryFilter<ConversationDoc> = { workspaceId };
  if (query.botId) filter.botId = query.botId;
  if (query.status) filter.status = query.status;
  if (query.leadEmail) filter['lead.email'] = query.leadEmail.toLowerCase();
  if (query.updatedSince) filter.updatedAt = { $gte: new Date(query.updatedSince) };
  return paginate(conversationModel(connection), filter, { limit: query.limit, cursor: query.cursor });
}

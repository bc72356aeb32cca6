import type { Connection, QueryFilter } from 'mongoose';
import { getBot } from '../bots/service.js';
import { newId } from '../db/model.js';
import { paginate, type Page } from '../db/paginate.js';
import { NotFoundError, ValidationError } from '../http/errors.js';
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
  if (query.status) filter.status = { $in: query.status };
  if (query.leadEmail) filter['lead.email'] = query.leadEmail.toLowerCase();
  if (query.updatedSince) filter.updatedAt = { $gte: new Date(query.updatedSince) };
  if (query.sort === '-resolvedAt') return listByResolution(connection, filter, query);
  return paginate(conversationModel(connection), filter, { limit: query.limit, cursor: query.cursor });
}

/** A resolution-ordered page's cursor: the last row's resolution time and id, `<ms>.<id>`. */
function resolutionCursorAfter(cursor: string | undefined): QueryFilter<ConversationDoc> {
  if (cursor === undefined) return {};
  const match = /^(\d{1,15})\.(cnv_[A-Za-z0-9]{1,64})$/.exec(cursor);
  if (!match) throw new ValidationError([{ field: 'cursor', message: 'is not a cursor of this list' }]);
  const at = new Date(Number(match[1]));
  return { $or: [{ resolvedAt: { $lt: at } }, { resolvedAt: at, _id: { $lt: match[2] } }] };
}

/** Resolved conversations, the latest resolution first, paged by (resolvedAt, _id). */
async function listByResolution(connection: Connection, filter: QueryFilter<ConversationDoc>, query: ListConversationsQuery): Promise<Page<ConversationDoc>> {
  const rows = await conversationModel(connection)
    .find({ ...filter, resolvedAt: { $ne: null }, ...resolutionCursorAfter(query.cursor) })
    .sort({ resolvedAt: -1, _id: -1 })
    .limit(query.limit + 1)
    .lean<ConversationDoc[]>();
  const items = rows.slice(0, query.limit);
  const last = items.at(-1);
  const more = rows.length > query.limit && last?.resolvedAt;
  return { items, nextCursor: more ? `${last.resolvedAt!.getTime()}.${last._id}` : null };
}

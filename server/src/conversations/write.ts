import type { Connection, QueryFilter } from 'mongoose';
import { conversationModel, type ConversationDoc } from './model.js';

export interface ConversationRef {
  conversationId: string;
  workspaceId: string;
}

/**
 * Sets fields of a workspace's conversation; answers false when no conversation
 * matches (`precondition` narrows the match, e.g. "not resolved yet"). One atomic
 * `$set`: concurrent writes of different fields both stay, and a precondition holds at
 * the moment of the write.
 */
export async function setOnConversation(
  connection: Connection,
  { conversationId, workspaceId }: ConversationRef,
  fields: Partial<ConversationDoc>,
  precondition: QueryFilter<ConversationDoc> = {},
): Promise<boolean> {
  const filter = { _id: conversationId, workspaceId, ...precondition };
  const result = await conversationModel(connection).updateOne(filter, { $set: fields }, { timestamps: false });
  return result.matchedCount === 1;
}

import { randomUUID } from 'node:crypto';
import type { Connection, QueryFilter } from 'mongoose';
import { acquireLease, releaseLease } from '../db/lease.js';
import { ConflictError } from '../http/errors.js';
import { conversationModel, type ConversationDoc } from './model.js';

const LOCK_MS = 5_000;
const WAIT_MS = 5_000;
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface ConversationRef {
  conversationId: string;
  workspaceId: string;
}

/**
 * Runs `write` while holding the conversation's lease, so writes to one conversation
 * never overlap. FerretDB 1.x rewrites the whole document on every update: of two
 * concurrent writes to one conversation (a resolution and a message's timestamp) one
 * silently vanished, and reading back cannot help because the clobbering write may land
 * after the check. A lease is an insert, which FerretDB does atomically.
 */
async function underConversationLease<T>(connection: Connection, conversationId: string, write: () => Promise<T>): Promise<T> {
  const owner = randomUUID();
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    const lease = await acquireLease(connection, `conversation:${conversationId}`, owner, LOCK_MS);
    if (lease) {
      try {
        return await write();
      } finally {
        await releaseLease(connection, lease, { done: false });
      }
    }
    if (Date.now() > deadline) throw new ConflictError('The conversation is busy: retry in a moment.', 'conversation_busy');
    await pause(5 + Math.random() * 20); // jitter, so waiting writers do not retry in step
  }
}

/**
 * Sets fields of a workspace's conversation; answers false when no conversation
 * matches (`precondition` narrows the match, e.g. "not resolved yet").
 */
export async function setOnConversation(
  connection: Connection,
  { conversationId, workspaceId }: ConversationRef,
  fields: Partial<ConversationDoc>,
  precondition: QueryFilter<ConversationDoc> = {},
): Promise<boolean> {
  return underConversationLease(connection, conversationId, async () => {
    const filter = { _id: conversationId, workspaceId, ...precondition };
    const result = await conversationModel(connection).updateOne(filter, { $set: fields }, { timestamps: false });
    return result.matchedCount === 1;
  });
}

import { z } from 'zod';
import { PageQuery } from '../db/paginate.js';
import { CONVERSATION_STATUSES, MESSAGE_SENDERS, type ConversationStatus } from './model.js';

/** A prefixed id as a request field: strings only, so `{"$gt": ""}` is a 422, never a query operator. */
export const idOf = (prefix: string) =>
  z.string().regex(new RegExp(`^${prefix}_[A-Za-z0-9]{1,64}$`), `must be an id starting with ${prefix}_`);

export const CHANNEL = z.string().regex(/^[a-z0-9_-]{1,40}$/, 'lower-case letters, digits, _ and - only').meta({ example: 'web' });

export const CreateConversationIn = z
  .strictObject({
    botId: idOf('bot'),
    sessionId: z.string().min(1).max(200).optional().meta({ description: 'The bot engine\'s session; generated when absent.' }),
    channel: CHANNEL.default('web'),
  })
  .meta({ id: 'CreateConversationIn' });
export type CreateConversationIn = z.infer<typeof CreateConversationIn>;

export const LeadOut = z
  .object({
    leadId: z.string(),
    email: z.string().nullable(),
    name: z.string().nullable(),
    phone: z.string().nullable(),
    capturedAt: z.iso.datetime(),
  })
  .meta({ id: 'Lead' });

export const MessageOut = z
  .object({
    id: z.string().meta({ example: 'msg_6650a1f2c3d4e5f6a7b8c9d0' }),
    sender: z.enum(MESSAGE_SENDERS),
    text: z.string(),
    channel: z.string(),
    sentAt: z.iso.datetime(),
  })
  .meta({ id: 'Message' });
export type MessageOut = z.infer<typeof MessageOut>;

export const ConversationOut = z
  .object({
    id: z.string().meta({ example: 'cnv_6650a1f2c3d4e5f6a7b8c9d0' }),
    botId: z.string(),
    sessionId: z.string(),
    channel: z.string(),
    status: z.enum(CONVERSATION_STATUSES),
    // A union, not .nullable(): zod-to-openapi drops the null from a nullable $ref.
    lead: z.union([LeadOut, z.null()]),
    escalationReason: z.string().nullable(),
    resolvedAt: z.iso.datetime().nullable(),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .meta({ id: 'Conversation' });
export type ConversationOut = z.infer<typeof ConversationOut>;

export const ConversationDetailOut = ConversationOut.extend({
  messages: z.array(MessageOut).meta({ description: 'The latest messages, oldest first.' }),
}).meta({ id: 'ConversationDetail' });
export type ConversationDetailOut = z.infer<typeof ConversationDetailOut>;

export const ConversationListOut = z
  .object({ conversations: z.array(ConversationOut), nextCursor: z.string().nullable() })
  .meta({ id: 'ConversationList' });
export type ConversationListOut = z.infer<typeof ConversationListOut>;

const STATUS_LIST = new RegExp(`^(${CONVERSATION_STATUSES.join('|')})(,(${CONVERSATION_STATUSES.join('|')}))*$`);

export const ListConversationsQuery = PageQuery.extend({
  botId: idOf('bot').optional(),
  status: z
    .string()
    .regex(STATUS_LIST, 'must be open, escalated or resolved, or several of them separated by commas')
    .transform((value) => value.split(',') as ConversationStatus[])
    .optional()
    .meta({ description: 'One status, or several separated by commas (`open,escalated`: every unresolved conversation).', example: 'open,escalated' }),
  leadEmail: z.email().max(320).optional(),
  updatedSince: z.iso.datetime({ offset: true }).optional().meta({ description: 'Only conversations updated at or after this time.' }),
  sort: z
    .enum(['-createdAt', '-resolvedAt'])
    .default('-createdAt')
    .meta({ description: '`-resolvedAt`: resolved conversations only, the latest resolution first (what a "Conversation Resolved" poll needs).' }),
});
export type ListConversationsQuery = z.infer<typeof ListConversationsQuery>;

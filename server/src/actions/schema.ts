import { z } from 'zod';
import { idOf } from '../conversations/schema.js';

export const SendMessageIn = z
  .strictObject({
    conversationId: idOf('cnv'),
    message: z.string().trim().min(1).max(4000).meta({ example: 'Hi! A colleague from our team here — how can I help?' }),
  })
  .meta({ id: 'SendMessageIn' });
export type SendMessageIn = z.infer<typeof SendMessageIn>;

export const SentMessageOut = z
  .object({ messageId: z.string(), conversationId: z.string(), sentAt: z.iso.datetime() })
  .meta({ id: 'SentMessage' });
export type SentMessageOut = z.infer<typeof SentMessageOut>;

export const ResolveConversationIn = z.strictObject({ conversationId: idOf('cnv') }).meta({ id: 'ResolveConversationIn' });
export type ResolveConversationIn = z.infer<typeof ResolveConversationIn>;

export const ResolvedConversationOut = z
  .object({ conversationId: z.string(), status: z.literal('resolved'), resolvedAt: z.iso.datetime() })
  .meta({ id: 'ResolvedConversation' });
export type ResolvedConversationOut = z.infer<typeof ResolvedConversationOut>;

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

const optional = <T extends z.ZodType>(schema: T) => schema.nullish().transform((value) => value ?? null);

export const CaptureLeadIn = z
  .strictObject({
    conversationId: idOf('cnv'),
    email: optional(z.email('must be a valid email address').max(254).meta({ example: 'maria.keller@example.com' })),
    name: optional(z.string().trim().min(1).max(200).meta({ example: 'Maria Keller' })),
    phone: optional(
      z
        .string()
        .trim()
        .regex(/^[+(]?[0-9][0-9 ().\-/]{1,38}[0-9]$/, 'must be a phone number of 3 to 40 digits, spaces, +, -, ( or )')
        .meta({ example: '+49 30 901820' }),
    ),
  })
  .refine((lead) => lead.email !== null || lead.name !== null || lead.phone !== null, {
    message: 'give at least one of email, name or phone',
    path: ['email'],
  })
  .meta({ id: 'CaptureLeadIn' });
export type CaptureLeadIn = z.infer<typeof CaptureLeadIn>;

export const CapturedLeadOut = z
  .object({
    leadId: z.string(),
    conversationId: z.string(),
    botId: z.string(),
    capturedFields: z.object({ email: z.string().nullable(), name: z.string().nullable(), phone: z.string().nullable() }),
    capturedAt: z.iso.datetime(),
  })
  .meta({ id: 'CapturedLead' });
export type CapturedLeadOut = z.infer<typeof CapturedLeadOut>;

import { z } from 'zod';
import { channel, confidenceScore, phoneNumber, prefixedId, text, utcTimestamp } from './fields.js';

/*
 * The `data` of each event type (ARCHITECTURE §5). Objects are strict: a key the
 * contract does not name is refused rather than silently stored and delivered.
 */

const conversationRef = {
  conversationId: prefixedId('cnv'),
  botId: prefixedId('bot'),
  /** The bot's name when the event was emitted; the server fills it in from the bot. */
  botName: text(200).nullable().default(null),
  /** The bot engine's session; every conversation has one (the API generates it when absent). */
  sessionId: text(200),
};

/** Who sent a message: the bot, a person of the team (agent) in the bot engine, or a caller of the API. */
export const MESSAGE_SENDER_TYPES = ['bot', 'agent', 'api'] as const;

/**
 * The sender of a `message.sent`. `apiKeyId` names the key of an API-sent message; `viaZapier` is
 * true when that call came from the Zapier connector (told by its User-Agent), so a Zap can ignore
 * the messages it sent itself. The bot engine may leave it out: its messages are the bot's.
 */
export const MessageSentSender = z
  .strictObject({
    type: z.enum(MESSAGE_SENDER_TYPES, { error: 'must be one of bot, agent or api' }),
    apiKeyId: prefixedId('key').nullable().default(null),
    viaZapier: z.boolean().default(false),
  })
  .default({ type: 'bot', apiKeyId: null, viaZapier: false });

export const MessageSentData = z.strictObject({
  ...conversationRef,
  messageId: prefixedId('msg'),
  /** The message itself; null when the bot engine does not report it. */
  text: text(10_000).nullable().default(null),
  sender: MessageSentSender,
  channel: channel(),
  /** Null for messages that did not come from the bot's model (sent through the API). */
  confidenceScore: confidenceScore().nullable(),
  wasFallback: z.boolean(),
  sentAt: utcTimestamp(),
});

/** What the bot learned about the visitor; any field may be missing, but not all of them. */
export const CapturedFields = z
  .strictObject({
    email: z.email({ error: 'must be a valid email address' }).max(254).nullable().default(null),
    name: text(200).nullable().default(null),
    phone: phoneNumber().nullable().default(null),
  })
  .refine((fields) => fields.email !== null || fields.name !== null || fields.phone !== null, {
    error: 'must contain at least one of email, name or phone',
  });

export const LeadCapturedData = z.strictObject({
  ...conversationRef,
  leadId: prefixedId('lead'),
  capturedFields: CapturedFields,
  capturedAt: utcTimestamp(),
});

export const OrderLookupData = z.strictObject({
  ...conversationRef,
  /** The shop's own order number, not a NebulaHex id. */
  orderId: text(100),
  /** Where the bot looked the order up, e.g. "shopify". */
  lookupSource: text(100),
  lookedUpAt: utcTimestamp(),
});

export const ConversationFallbackData = z.strictObject({
  ...conversationRef,
  lastMessage: text(10_000),
  confidenceScore: confidenceScore(),
  fellBackAt: utcTimestamp(),
});

export const ConversationEscalationData = z.strictObject({
  ...conversationRef,
  reason: text(1_000),
  /** Plain text, one "Speaker: message" line per message, so a Zap can paste it anywhere. */
  transcript: text(100_000),
  escalatedAt: utcTimestamp(),
});

/** Operational: emitted by the platform (never ingested) when a webhook endpoint is paused. */
export const EndpointPausedData = z.strictObject({
  endpointId: prefixedId('hook'),
  targetUrl: z.url({ error: 'must be a URL' }),
  /** Why: the sustained failure that paused it, or who paused it by hand. */
  reason: text(2_000),
  pausedAt: utcTimestamp(),
});

export type MessageSentData = z.output<typeof MessageSentData>;
export type MessageSentSender = z.output<typeof MessageSentSender>;
export type LeadCapturedData = z.output<typeof LeadCapturedData>;
export type OrderLookupData = z.output<typeof OrderLookupData>;
export type ConversationFallbackData = z.output<typeof ConversationFallbackData>;
export type ConversationEscalationData = z.output<typeof ConversationEscalationData>;
export type EndpointPausedData = z.output<typeof EndpointPausedData>;

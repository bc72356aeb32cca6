import type { z } from 'zod';
import {
  ConversationEscalationData,
  ConversationFallbackData,
  EndpointPausedData,
  LeadCapturedData,
  MessageSentData,
  OrderLookupData,
} from './event-schemas.js';
import { toFieldIssues, type FieldIssue } from './issues.js';
import { ENVELOPE_FIELD_LABELS } from './zap-fields.js';

export const EVENT_TYPES = [
  'message.sent',
  'lead.captured',
  'order.lookup',
  'conversation.fallback',
  'conversation.escalation',
  'endpoint.paused',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export interface EventDefinition {
  type: EventType;
  /** Zapier-safe key, e.g. `lead_captured`. */
  key: string;
  /** Title-case trigger label, e.g. "New Lead". */
  label: string;
  noun: string;
  /** "Triggers when …." for Zapier. */
  description: string;
  /** Schema of the event's `data`. */
  data: z.ZodObject;
  /** A realistic `data`, valid against `data`. */
  sample: Record<string, unknown>;
  /** A label for every key of `toZapRecord()` of this type's body. */
  fieldLabels: Record<string, string>;
  /**
   * `bot`: reported by the bot engine through the internal API. `platform`: operational,
   * emitted by this platform itself (never ingested), e.g. an endpoint was paused.
   */
  source: 'bot' | 'platform';
}

/** Every sample happened at this instant, so samples are deterministic. */
export const SAMPLE_TIME = '2025-06-12T14:03:27.000Z';

const conversationLabels = {
  ...ENVELOPE_FIELD_LABELS,
  conversationId: 'Conversation ID',
  botId: 'Bot ID',
  botName: 'Bot Name',
  sessionId: 'Session ID',
};

const conversationSample = {
  conversationId: 'cnv_684adf1c5e9b2a41d07c3e15',
  botId: 'bot_6849b3a05e9b2a41d07c1a02',
  botName: 'Website Assistant',
  sessionId: 'web-3f9c2a7e81d4',
};

const definitions: Array<Omit<EventDefinition, 'source'> & { source?: EventDefinition['source'] }> = [
  {
    type: 'message.sent',
    key: 'message_sent',
    label: 'New Message',
    noun: 'Message',
    description: 'Triggers when a message is sent in a conversation, by your bot or through the API.',
    data: MessageSentData,
    sample: {
      ...conversationSample,
      messageId: 'msg_684adf3f5e9b2a41d07c3e21',
      text: 'Your replacement ships today; you will get the tracking link by email.',
      sender: { type: 'bot', apiKeyId: null, viaZapier: false },
      channel: 'web',
      confidenceScore: 0.92,
      wasFallback: false,
      sentAt: SAMPLE_TIME,
    },
    fieldLabels: {
      ...conversationLabels,
      messageId: 'Message ID',
      text: 'Message Text',
      sender__type: 'Sender Type',
      sender__apiKeyId: 'Sender API Key ID',
      sender__viaZapier: 'Sent Through Zapier',
      channel: 'Channel',
      confidenceScore: 'Confidence Score',
      wasFallback: 'Was Fallback Reply',
      sentAt: 'Sent At',
    },
  },
  {
    type: 'lead.captured',
    key: 'lead_captured',
    label: 'New Lead',
    noun: 'Lead',
    description: "Triggers when your bot captures a visitor's contact details (email, name or phone) in a conversation.",
    data: LeadCapturedData,
    sample: {
      ...conversationSample,
      leadId: 'lead_684ae0125e9b2a41d07c3e40',
      capturedFields: { email: 'maria.keller@example.com', name: 'Maria Keller', phone: '+49 30 901820' },
      capturedAt: SAMPLE_TIME,
    },
    fieldLabels: {
      ...conversationLabels,
      leadId: 'Lead ID',
      capturedFields__email: 'Lead Email',
      capturedFields__name: 'Lead Name',
      capturedFields__phone: 'Lead Phone',
      capturedAt: 'Captured At',
    },
  },
  {
    type: 'order.lookup',
    key: 'order_lookup',
    label: 'New Order Lookup',
    noun: 'Order Lookup',
    description: "Triggers when your bot looks up a customer's order.",
    data: OrderLookupData,
    sample: { ...conversationSample, orderId: '#100482', lookupSource: 'shopify', lookedUpAt: SAMPLE_TIME },
    fieldLabels: { ...conversationLabels, orderId: 'Order Number', lookupSource: 'Lookup Source', lookedUpAt: 'Looked Up At' },
  },
  {
    type: 'conversation.fallback',
    key: 'conversation_fallback',
    label: 'New Fallback Reply',
    noun: 'Fallback Reply',
    description: "Triggers when your bot is not confident enough to answer a visitor's message and replies with its fallback message.",
    data: ConversationFallbackData,
    sample: {
      ...conversationSample,
      lastMessage: 'Can I change the delivery address after the parcel has shipped?',
      confidenceScore: 0.31,
      fellBackAt: SAMPLE_TIME,
    },
    fieldLabels: { ...conversationLabels, lastMessage: 'Last Visitor Message', confidenceScore: 'Confidence Score', fellBackAt: 'Fell Back At' },
  },
  {
    type: 'conversation.escalation',
    key: 'conversation_escalation',
    label: 'New Escalated Conversation',
    noun: 'Conversation',
    description: 'Triggers when a conversation is handed over from your bot to your team.',
    data: ConversationEscalationData,
    sample: {
      ...conversationSample,
      reason: 'The visitor asked to speak to a person.',
      transcript:
        'Visitor: My order #100482 arrived damaged.\nBot: I am sorry to hear that. Would you like a replacement or a refund?\nVisitor: I would like to talk to someone, please.',
      escalatedAt: SAMPLE_TIME,
    },
    fieldLabels: { ...conversationLabels, reason: 'Escalation Reason', transcript: 'Transcript', escalatedAt: 'Escalated At' },
  },
  {
    type: 'endpoint.paused',
    key: 'endpoint_paused',
    label: 'New Paused Endpoint',
    noun: 'Paused Endpoint',
    description: 'Triggers when one of your webhook endpoints is paused, because it kept failing or because someone paused it.',
    data: EndpointPausedData,
    sample: {
      endpointId: 'hook_684ae2a75e9b2a41d07c3f10',
      targetUrl: 'https://example.com/webhooks/nebulahex',
      reason: 'paused after 50 failed deliveries in a row; last failure: the receiver answered 503',
      pausedAt: SAMPLE_TIME,
    },
    fieldLabels: { ...ENVELOPE_FIELD_LABELS, endpointId: 'Endpoint ID', targetUrl: 'Target URL', reason: 'Reason', pausedAt: 'Paused At' },
    source: 'platform',
  },
];

/** The single source of truth for event types: validation, samples, labels, connector triggers. */
export const eventCatalog: Readonly<Record<EventType, EventDefinition>> = Object.freeze(
  Object.fromEntries(definitions.map((definition) => [definition.type, Object.freeze({ source: 'bot' as const, ...definition })])) as Record<EventType, EventDefinition>,
);

export function isEventType(value: unknown): value is EventType {
  return typeof value === 'string' && (EVENT_TYPES as readonly string[]).includes(value);
}

/**
 * Validates ingested `data` against its type's schema. On success `data` is the parsed
 * value (trimmed, missing lead fields set to null); on failure each issue names its
 * field from the request body's point of view (`data.capturedFields.email`).
 */
export function parseEventData(
  type: EventType,
  data: unknown,
): { success: true; data: Record<string, unknown> } | { success: false; issues: FieldIssue[] } {
  const result = eventCatalog[type].data.safeParse(data);
  if (result.success) return { success: true, data: result.data };
  return { success: false, issues: toFieldIssues(result.error, data, 'data', `${type} data`) };
}

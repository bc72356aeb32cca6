import type { EventType } from './catalog.js';
import type { WebhookBody } from './envelope.js';

/*
 * The public API v1 answers (ARCHITECTURE §3) that the connector consumes and the
 * server's presenters can `satisfies`. Timestamps are ISO-8601 UTC strings; ids are
 * prefixed strings.
 */

export interface ApiErrorBody {
  error: { code: string; message: string; details?: unknown };
}

export type ApiKeyRole = 'admin' | 'member';

export interface WorkspaceOut {
  id: string;
  name: string;
}

export interface AuthMeOut {
  workspace: WorkspaceOut;
  apiKey: { id: string; name: string; prefix: string; role: ApiKeyRole; createdAt: string };
}

export interface BotOut {
  id: string;
  name: string;
  isActive: boolean;
  createdAt: string;
}

export type ConversationStatus = 'open' | 'escalated' | 'resolved';

export interface LeadOut {
  leadId: string;
  email: string | null;
  name: string | null;
  phone: string | null;
  capturedAt: string;
}

export type MessageSender = 'bot' | 'user' | 'team';

export interface MessageOut {
  id: string;
  sender: MessageSender;
  text: string;
  channel: string;
  sentAt: string;
}

export interface ConversationOut {
  id: string;
  botId: string;
  status: ConversationStatus;
  sessionId: string;
  channel: string;
  lead: LeadOut | null;
  /** Why the conversation went to the team; null unless it was escalated. */
  escalationReason: string | null;
  createdAt: string;
  updatedAt: string;
  resolvedAt: string | null;
  /** Only on `GET /conversations/:id`: the latest messages, oldest first. */
  messages?: MessageOut[];
}

export type ConversationDetailOut = ConversationOut & { messages: MessageOut[] };

/** A page of a list: `{bots: […], nextCursor}`; `nextCursor` is null on the last page. */
export type ListOut<K extends string, T> = { [P in K]: T[] } & { nextCursor: string | null };

export interface SendMessageIn {
  conversationId: string;
  message: string;
}

export interface SendMessageOut {
  messageId: string;
  conversationId: string;
  sentAt: string;
}

export interface ResolveConversationIn {
  conversationId: string;
}

export interface ResolveConversationOut {
  conversationId: string;
  status: 'resolved';
  resolvedAt: string;
}

export interface CaptureLeadIn {
  conversationId: string;
  /** At least one of the three. */
  email?: string | null;
  name?: string | null;
  phone?: string | null;
}

export interface CapturedLeadOut {
  leadId: string;
  conversationId: string;
  botId: string;
  capturedFields: { email: string | null; name: string | null; phone: string | null };
  capturedAt: string;
}

export interface CreateHookIn {
  event: EventType;
  targetUrl: string;
  /** Only events of this bot; absent or null for every bot of the workspace. */
  botId?: string | null;
}

export type HookStatus = 'active' | 'paused';

/** A subscription; never carries its signing secret. */
export interface HookOut {
  id: string;
  /** The same id, under the name Zapier keeps in `subscribeData`. */
  hookId: string;
  event: EventType;
  targetUrl: string;
  botId: string | null;
  status: HookStatus;
  pausedReason: string | null;
  pausedAt: string | null;
  consecutiveFailures: number;
  totalDelivered: number;
  totalFailed: number;
  lastSuccessAt: string | null;
  lastFailureAt: string | null;
  createdAt: string;
}

/** `POST /hooks`: the only answer besides rotation that shows the secret. */
export interface CreatedHookOut extends HookOut {
  signingSecret: string;
}

export interface SigningSecretOut {
  signingSecret: string;
}

export type DeliveryStatus = 'pending' | 'sending' | 'succeeded' | 'failed' | 'held';

export interface DeliveryOut {
  id: string;
  eventId: string;
  hookId: string;
  eventType: EventType;
  status: DeliveryStatus;
  attemptCount: number;
  lastStatusCode: number | null;
  /** Response time of the last attempt. */
  lastDurationMs: number | null;
  failureReason: string | null;
  /** When the next attempt is due; null once the delivery is finished. */
  nextAttemptAt: string | null;
  createdAt: string;
  updatedAt: string;
  completedAt: string | null;
}

export interface AttemptOut {
  number: number;
  startedAt: string;
  durationMs: number;
  statusCode: number | null;
  error: string | null;
  /** The start of the response body, bounded in length. */
  responseExcerpt: string;
  outcome: string;
}

/** `GET /deliveries/:id`: the delivery with every attempt. */
export interface DeliveryDetailOut extends DeliveryOut {
  attempts: AttemptOut[];
}

/** `GET /triggers/samples`: one webhook body per type (only the asked type with `?event=`). */
export interface SamplesOut {
  samples: Partial<Record<EventType, WebhookBody>>;
}

/** `GET /events`: recent events, newest first, in exactly the delivered shape. */
export interface EventsOut {
  events: WebhookBody[];
}

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
  /** The calling API key; absent when the caller is an app connected with OAuth. */
  apiKey?: { id: string; name: string; prefix: string; role: ApiKeyRole; createdAt: string };
  /** The OAuth connection of the calling access token: the app and who connected it. */
  connection?: { id: string; app: string; connectedBy: string };
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
  /** One event type (Zapier's REST hooks); or give `events`. */
  event?: EventType;
  /** Several event types: the endpoint receives any of them. */
  events?: EventType[];
  targetUrl: string;
  /** Only events of this bot; absent or null for every bot of the workspace. */
  botId?: string | null;
  description?: string;
  /** Extra headers sent to the receiver (e.g. `Authorization`), stored encrypted. */
  headers?: Record<string, string>;
  /** Deliveries sent at once per worker process, 1–100; absent or null: the server's default. */
  maxConcurrency?: number | null;
}

/** `PATCH /hooks/:id`: only the fields given change. */
export interface UpdateHookIn {
  targetUrl?: string;
  description?: string;
  events?: EventType[];
  botId?: string | null;
  /** 1–100 deliveries at once per worker process; null: back to the server's default. */
  maxConcurrency?: number | null;
  /** true pauses (new deliveries are held); false resumes and sends what was held. */
  paused?: boolean;
  /** Header name → value to set, or null to remove; headers not named are kept. */
  headers?: Record<string, string | null>;
}

export type HookStatus = 'active' | 'paused';

/** A subscription; never carries its signing secret. */
export interface HookOut {
  id: string;
  /** The same id, under the name Zapier keeps in `subscribeData`. */
  hookId: string;
  /** The first of `events` (what a one-event REST hook subscribed to). */
  event: EventType;
  /** Every event type the endpoint receives. */
  events: EventType[];
  targetUrl: string;
  description: string;
  /** Custom header names with their values masked: never shown in full. */
  headers: Record<string, string>;
  botId: string | null;
  /** Deliveries sent at once per worker process; null: the server's default. */
  maxConcurrency: number | null;
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
  /** What is sent (per-attempt headers named, custom headers masked); null once the event or endpoint is gone. */
  request?: { headers: Record<string, string>; body: string } | null;
}

/** `GET /triggers/samples`: one webhook body per type (only the asked type with `?event=`). */
export interface SamplesOut {
  samples: Partial<Record<EventType, WebhookBody>>;
}

/** `GET /events`: recent events, newest first, in exactly the delivered shape. */
export interface EventsOut {
  events: WebhookBody[];
}

export interface ApiKeyOut {
  id: string;
  name: string;
  prefix: string;
  role: ApiKeyRole;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

export interface ApiKeyListOut {
  keys: ApiKeyOut[];
}

/** `POST /auth/keys`: the only answer that always carries the full key. */
export interface CreatedApiKeyOut {
  id: string;
  name: string;
  prefix: string;
  role: ApiKeyRole;
  key: string;
  createdAt: string;
}

export interface CreateApiKeyIn {
  name: string;
  role?: ApiKeyRole;
}

export interface RecoverIn {
  since: string;
}

export interface QueuedOut {
  queued: number;
}

export interface HookTestOut {
  eventId: string;
  deliveryId: string | null;
}

/** Counts of deliveries by outcome; `successRate` is succeeded / finished (null when none finished). */
export interface DeliveryCounts {
  total: number;
  succeeded: number;
  failed: number;
  /** Pending, sending or held. */
  inProgress: number;
  successRate: number | null;
}

/** Response times of the last attempts, in ms (null without any). */
export interface ResponseTimes {
  p50Ms: number | null;
  p95Ms: number | null;
}

export type StatsRange = '24h' | '7d';

/** One hour of an endpoint's deliveries (by creation time). */
export interface StatsBucket extends DeliveryCounts, ResponseTimes {
  /** Start of the hour, ISO-8601 UTC. */
  hour: string;
}

/** `GET /hooks/:id/stats`: the endpoint's deliveries per hour, oldest first. */
export interface HookStatsOut {
  hookId: string;
  range: StatsRange;
  since: string;
  totals: DeliveryCounts & ResponseTimes;
  buckets: StatsBucket[];
}

/** `GET /stats/overview`: the workspace's last 24 h, and each endpoint's. */
export interface OverviewStatsOut {
  since: string;
  totals: DeliveryCounts & ResponseTimes;
  endpoints: Array<DeliveryCounts & { hookId: string }>;
}

/** One field of an event's data, from the catalog's schema. */
export interface CatalogFieldOut {
  /** Dotted for nested fields: `capturedFields.email`. */
  name: string;
  type: string;
  required: boolean;
  nullable: boolean;
}

export interface CatalogEventOut {
  type: EventType;
  label: string;
  description: string;
  source: 'bot' | 'platform';
  fields: CatalogFieldOut[];
  sample: WebhookBody;
}

/** `GET /triggers/catalog`: every event type with its fields and a sample. */
export interface EventCatalogOut {
  events: CatalogEventOut[];
}

/** A single-use portal sign-in link. */
export interface PortalLinkOut {
  url: string;
  expiresAt: string;
}

/** `GET /portal/session`: who the portal acts as, and the CSRF token its unsafe requests send. */
export interface PortalSessionOut {
  workspace: WorkspaceOut;
  csrfToken: string;
  /** The session ends at the earlier of these (idle time is renewed by use). */
  idleExpiresAt: string;
  expiresAt: string;
}

/** An app connected to the workspace with OAuth (`GET /auth/connected-apps`). */
export interface ConnectedAppOut {
  id: string;
  name: string;
  /** Who allowed it, as their portal sign-in named them. */
  connectedBy: string;
  connectedAt: string;
  lastUsedAt: string | null;
}

export interface ConnectedAppListOut {
  apps: ConnectedAppOut[];
}

/** `GET /portal/connect/:uid/details`: what the consent screen shows. */
export interface ConsentOut {
  app: { name: string };
  workspace: WorkspaceOut;
  signedInAs: string;
  scopes: { name: string; description: string }[];
  csrfToken: string;
}

/** `POST /portal/connect/:uid/allow|deny`: where the browser goes next (back to the app). */
export interface ConsentAnswerOut {
  redirectTo: string;
}

import { eventCatalog, generateSigningSecret, type EventType } from '@nebulahex/shared';
import type { Connection } from 'mongoose';
import { botModel } from '../bots/model.js';
import type { RuntimeConfig } from '../config.js';
import { createEncryptor } from '../crypto/encryption.js';
import { newId } from '../db/model.js';
import { paginate, type Page, type PageQuery } from '../db/paginate.js';
import type { DeliveryEngine } from '../deliveries/engine.js';
import { endDeliveriesOf } from '../deliveries/record.js';
import type { EventPublisher } from '../events/publisher.js';
import { NotFoundError, ValidationError } from '../http/errors.js';
import { checkTargetUrl, TargetRefusedError } from '../net/ssrf.js';
import { maskHeaders, sealHeaders } from './headers.js';
import { forgetSubscriptions } from './cache.js';
import { hookModel, receivesEvent, type HookDoc, type SealedSecret } from './model.js';
import { presentHook } from './presenter.js';
import type { CreateHookIn, HookOut } from './schema.js';
import { hookStats } from './stats.js';
import { createHookUpdater } from './update.js';

export interface HookServiceDeps {
  connection: Connection;
  config: Pick<RuntimeConfig, 'ENCRYPTION_KEY' | 'WEBHOOK_ALLOW_HTTP' | 'WEBHOOK_ALLOW_PRIVATE_TARGETS' | 'WEBHOOK_SECRET_OVERLAP_HOURS'>;
  events: EventPublisher;
  deliveries: Pick<DeliveryEngine, 'enqueue'>;
}

export type HookService = ReturnType<typeof createHookService>;

/** Subscriptions (REST hooks) of a workspace; another workspace's hook is "not found". */
export function createHookService({ connection, config, events, deliveries }: HookServiceDeps) {
  const Hooks = hookModel(connection);
  const encryptor = createEncryptor(config.ENCRYPTION_KEY);
  const policy = { allowHttp: config.WEBHOOK_ALLOW_HTTP, allowPrivate: config.WEBHOOK_ALLOW_PRIVATE_TARGETS };
  const seal = (secret: string, now: Date): SealedSecret => ({ sealed: encryptor.encrypt(secret), createdAt: now, expiresAt: null });

  const find = async (workspaceId: string, id: string): Promise<HookDoc> => {
    const hook = await Hooks.findOne({ _id: id, workspaceId }).lean<HookDoc>();
    if (!hook) throw new NotFoundError('The subscription', 'hook_not_found');
    return hook;
  };

  const checkBot = async (workspaceId: string, botId: string | null): Promise<void> => {
    if (botId && !(await botModel(connection).exists({ _id: botId, workspaceId }))) {
      throw new ValidationError([{ field: 'botId', message: 'No bot with this id exists in your workspace.' }]);
    }
  };
  const updater = createHookUpdater({ connection, encryptor, events, deliveries, find, checkBot, checkTarget: (url) => checkTarget(url, policy) });

  return {
    find,
    ...updater,

    /** The subscription as the API shows it, with its counters. */
    present: async (hook: HookDoc): Promise<HookOut> => presentHook(hook, await hookStats(connection, hook)),

    /** Checks the bot and the target, then stores a new subscription; the secret is returned this once. */
    async create(workspaceId: string, apiKeyId: string | null, input: CreateHookIn): Promise<{ hook: HookDoc; signingSecret: string }> {
      await checkTarget(input.targetUrl, policy);
      const botId = input.botId ?? null;
      await checkBot(workspaceId, botId);
      const now = new Date();
      const signingSecret = generateSigningSecret();
      const events = input.events ?? [input.event as EventType];
      const headers = input.headers ?? {};
      const hook = await Hooks.create({
        _id: newId('hook'),
        workspaceId,
        event: events[0],
        events,
        targetUrl: input.targetUrl,
        description: input.description ?? '',
        sealedHeaders: sealHeaders(encryptor, headers),
        maskedHeaders: maskHeaders(headers),
        botId,
        maxConcurrency: input.maxConcurrency ?? null,
        secrets: [seal(signingSecret, now)],
        apiKeyId,
        failuresCountedFrom: now,
        createdAt: now,
      });
      forgetSubscriptions(connection, workspaceId);
      return { hook: hook.toObject(), signingSecret };
    },

    list(workspaceId: string, filter: { event?: string | undefined; botId?: string | undefined }, page: PageQuery): Promise<Page<HookDoc>> {
      return paginate(Hooks, { workspaceId, ...(filter.event ? receivesEvent(filter.event) : {}), ...(filter.botId ? { botId: filter.botId } : {}) }, page);
    },

    /** Deletes the subscription; its unfinished deliveries end as failed. */
    async remove(workspaceId: string, id: string): Promise<void> {
      const { deletedCount } = await Hooks.deleteOne({ _id: id, workspaceId });
      if (deletedCount === 0) throw new NotFoundError('The subscription', 'hook_not_found');
      forgetSubscriptions(connection, workspaceId);
      await endDeliveriesOf(connection, id, 'the subscription was deleted');
    },

    /** A new secret signs from now on; the current ones keep signing beside it for the overlap. */
    async rotateSecret(workspaceId: string, id: string): Promise<string> {
      const hook = await find(workspaceId, id);
      const now = new Date();
      const overlapEnds = new Date(now.getTime() + config.WEBHOOK_SECRET_OVERLAP_HOURS * 3_600_000);
      const kept = hook.secrets
        .filter((secret) => secret.expiresAt === null || secret.expiresAt > now)
        .map((secret) => ({ ...secret, expiresAt: secret.expiresAt ?? overlapEnds }));
      const signingSecret = generateSigningSecret();
      await Hooks.updateOne({ _id: id, workspaceId }, { $set: { secrets: [seal(signingSecret, now), ...kept] } });
      forgetSubscriptions(connection, workspaceId);
      return signingSecret;
    },

    /** Delivers a `test: true` event with the catalog's sample data to this subscription only. */
    async sendTest(workspaceId: string, id: string): Promise<{ eventId: string; deliveryId: string | null }> {
      const hook = await find(workspaceId, id);
      const type = hook.event as EventType;
      const data = structuredClone(eventCatalog[type].sample) as Record<string, unknown>;
      const published = await events.publish({ workspaceId, type, data, test: true, subscriptionId: hook._id });
      return { eventId: published.event._id, deliveryId: published.deliveryIds[0] ?? null };
    },
  };
}

async function checkTarget(targetUrl: string, policy: { allowHttp: boolean; allowPrivate: boolean }): Promise<void> {
  try {
    await checkTargetUrl(targetUrl, policy);
  } catch (error) {
    if (error instanceof TargetRefusedError) throw new ValidationError([{ field: 'targetUrl', message: error.reason }]);
    throw error;
  }
}

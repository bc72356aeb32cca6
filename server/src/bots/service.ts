import type { Connection } from 'mongoose';
import { newId } from '../db/model.js';
import { paginate, type Page, type PageQuery } from '../db/paginate.js';
import { perConnection } from '../db/per-connection.js';
import { createReadCache, type ReadCache } from '../db/read-cache.js';
import { NotFoundError } from '../http/errors.js';
import { botModel, type BotDoc } from './model.js';
import type { CreateBotIn } from './schema.js';

export async function createBot(connection: Connection, workspaceId: string, input: CreateBotIn): Promise<BotDoc> {
  const now = new Date();
  const bot: BotDoc = { _id: newId('bot'), workspaceId, name: input.name, isActive: input.isActive, createdAt: now, updatedAt: now };
  await botModel(connection).create(bot);
  forgetBotLists(connection, workspaceId);
  return bot;
}

/** The workspace's bot, or 404 (also for another workspace's bot). */
export async function getBot(connection: Connection, workspaceId: string, botId: string): Promise<BotDoc> {
  const bot = await botModel(connection).findOne({ _id: botId, workspaceId }).lean<BotDoc>();
  if (!bot) throw new NotFoundError('Bot', 'bot_not_found');
  return bot;
}

/** BOT_LIST_CACHE_MS's default. */
export const DEFAULT_BOT_LIST_CACHE_MS = 1_000;
/**
 * Pages kept per process (the least recently used go first): at most 100 bots each, so the
 * cache holds at most ~100,000 bots (some tens of MB with their presented answers) however many
 * workspaces ask.
 */
const MAX_PAGES = 1_000;
const lists = perConnection<ReadCache<Page<BotDoc>>>();
const pageKey = (workspaceId: string, page: PageQuery) => `${workspaceId}\n${page.limit}\n${page.cursor ?? ''}`;

/**
 * A page of the workspace's bots, newest first, served from this process's memory for up to
 * `cacheMs` (BOT_LIST_CACHE_MS; the first caller's value sets it): a bot created through
 * another process is listed by this one within `cacheMs`, one created through this one at
 * once. Concurrent requests for one page share one read. The list is what a Zap's bot
 * dropdown and the portal ask for again and again, and bots change rarely: the page's query
 * is the one database round trip left on the path (measured 2026-12-06 at ~290 µs of CPU,
 * client and embedded database, more than the rest of the request).
 */
export async function listBots(connection: Connection, workspaceId: string, page: PageQuery, cacheMs = DEFAULT_BOT_LIST_CACHE_MS): Promise<Page<BotDoc>> {
  const cache = lists.of(connection, () =>
    createReadCache({
      ttlMs: cacheMs,
      max: MAX_PAGES,
      load: (key) => {
        const [id, limit, cursor] = key.split('\n');
        return paginate(botModel(connection), { workspaceId: id }, { limit: Number(limit), cursor: cursor || undefined });
      },
    }),
  );
  return cache.get(pageKey(workspaceId, page));
}

/** Call after writing a workspace's bots: this process lists the change at once. */
export function forgetBotLists(connection: Connection, workspaceId: string): void {
  lists.peek(connection)?.forgetWhere((key) => key.startsWith(`${workspaceId}\n`));
}

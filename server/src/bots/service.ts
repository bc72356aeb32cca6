import type { Connection } from 'mongoose';
import { newId } from '../db/model.js';
import { paginate, type Page, type PageQuery } from '../db/paginate.js';
import { NotFoundError } from '../http/errors.js';
import { botModel, type BotDoc } from './model.js';
import type { CreateBotIn } from './schema.js';

export async function createBot(connection: Connection, workspaceId: string, input: CreateBotIn): Promise<BotDoc> {
  const now = new Date();
  const bot: BotDoc = { _id: newId('bot'), workspaceId, name: input.name, isActive: input.isActive, createdAt: now, updatedAt: now };
  await botModel(connection).create(bot);
  return bot;
}

/** The workspace's bot, or 404 (also for another workspace's bot). */
export async function getBot(connection: Connection, workspaceId: string, botId: string): Promise<BotDoc> {
  const bot = await botModel(connection).findOne({ _id: botId, workspaceId }).lean<BotDoc>();
  if (!bot) throw new NotFoundError('Bot', 'bot_not_found');
  return bot;
}

export async function listBots(connection: Connection, workspaceId: string, page: PageQuery): Promise<Page<BotDoc>> {
  return paginate(botModel(connection), { workspaceId }, page);
}

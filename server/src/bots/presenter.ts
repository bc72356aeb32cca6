import type { BotOut as SharedBotOut } from '@nebulahex/shared';
import type { BotDoc } from './model.js';
import type { BotOut } from './schema.js';

export function presentBot(bot: BotDoc): BotOut {
  return { id: bot._id, name: bot.name, isActive: bot.isActive, createdAt: bot.createdAt.toISOString() } satisfies SharedBotOut;
}

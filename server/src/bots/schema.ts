import { z } from 'zod';
import { PageQuery } from '../db/paginate.js';

export const CreateBotIn = z
  .strictObject({
    name: z.string().trim().min(1).max(100).meta({ example: 'Support bot' }),
    isActive: z.boolean().default(true),
  })
  .meta({ id: 'CreateBotIn' });
export type CreateBotIn = z.infer<typeof CreateBotIn>;

export const BotOut = z
  .object({
    id: z.string().meta({ example: 'bot_6650a1f2c3d4e5f6a7b8c9d0' }),
    name: z.string(),
    isActive: z.boolean(),
    createdAt: z.iso.datetime(),
  })
  .meta({ id: 'Bot' });
export type BotOut = z.infer<typeof BotOut>;

export const BotListOut = z.object({ bots: z.array(BotOut), nextCursor: z.string().nullable() }).meta({ id: 'BotList' });
export type BotListOut = z.infer<typeof BotListOut>;

export const ListBotsQuery = PageQuery;

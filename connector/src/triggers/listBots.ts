import type { BotOut } from '@nebulahex/shared';
import { defineTrigger, type PollingTriggerPerform } from 'zapier-platform-core';
import { fetchDropdownPage } from './dropdownPage.js';

const perform = (async (z, bundle) => {
  const bots = await fetchDropdownPage<'bots', BotOut>(z, bundle, { path: '/bots', listKey: 'bots' });
  return bots.map((bot) => ({ ...bot, name: bot.isActive ? bot.name : `${bot.name} (inactive)` }));
}) satisfies PollingTriggerPerform;

/** Hidden: feeds the "Bot" dropdowns. */
export default defineTrigger({
  key: 'listBots',
  noun: 'Bot',
  display: {
    label: 'List Bots',
    description: 'Triggers when a bot is added; only used to fill the bot dropdowns.',
    hidden: true,
  },
  operation: {
    type: 'polling',
    perform,
    canPaginate: true,
    sample: { id: 'bot_6849b3a05e9b2a41d07c1a02', name: 'Website Assistant', isActive: true, createdAt: '2025-06-11T09:12:00.000Z' },
    outputFields: [
      { key: 'id', label: 'Bot ID' },
      { key: 'name', label: 'Bot Name' },
      { key: 'isActive', label: 'Is Active', type: 'boolean' },
      { key: 'createdAt', label: 'Created At', type: 'datetime' },
    ],
  },
});

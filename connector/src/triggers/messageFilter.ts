import type { PlainInputField } from 'zapier-platform-core';
import type { EventTriggerOptions } from './eventTrigger.js';

/**
 * New Message leaves out, by default, messages sent through the API — Send Message steps of Zaps
 * included — so "New Message → Send Message" does not trigger itself. `message.sent` says who sent
 * a message in `sender` (type bot, agent or api; `viaZapier` for the connector's own calls).
 */
const includeApiMessages: PlainInputField = {
  key: 'includeApiMessages',
  label: 'Include Messages Sent Through the API or Zapier',
  type: 'boolean',
  required: false,
  default: 'false',
  helpText:
    'No (the default): only trigger on messages from your bot and your team, and skip messages sent through the NebulaHex API ' +
    'or by a Zap — such as a Send Message step — so a Zap that answers messages does not trigger itself. Yes: trigger on every message.',
};

const isYes = (value: unknown) => value === true || String(value).toLowerCase() === 'true';

export const messageTriggerOptions: EventTriggerOptions = {
  inputFields: [includeApiMessages],
  keep: (record, inputData) => isYes(inputData.includeApiMessages) || (record.sender__type !== 'api' && record.sender__viaZapier !== true),
};

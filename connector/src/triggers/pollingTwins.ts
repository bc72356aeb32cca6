import { EVENT_TYPES, type EventType } from '@nebulahex/shared';
import { eventPollingTrigger, type EventTriggerOptions } from './eventTrigger.js';
import { messageTriggerOptions } from './messageFilter.js';

/** What an event type's instant trigger adds; its polling twin adds the same. */
const optionsOf: Partial<Record<EventType, EventTriggerOptions>> = { 'message.sent': messageTriggerOptions };

/** A polling twin of every instant trigger (New Lead (Polling), …), one per catalog type. */
export const pollingTwins = EVENT_TYPES.map((type) => eventPollingTrigger(type, optionsOf[type]));

import { eventTrigger } from './eventTrigger.js';
import { messageTriggerOptions } from './messageFilter.js';

export default eventTrigger('message.sent', messageTriggerOptions);

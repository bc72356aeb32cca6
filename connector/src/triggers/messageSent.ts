import { eventTrigger } from './eventTrigger.js';

export default eventTrigger('message.sent');

import { eventTrigger } from './eventTrigger.js';

export default eventTrigger('conversation.fallback');

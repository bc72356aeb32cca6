import { eventTrigger } from './eventTrigger.js';

export default eventTrigger('lead.captured');

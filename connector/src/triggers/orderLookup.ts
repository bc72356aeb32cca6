import { eventTrigger } from './eventTrigger.js';

export default eventTrigger('order.lookup');

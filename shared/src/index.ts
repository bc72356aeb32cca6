export * from './catalog.js';
export * from './client-agent.js';
export * from './envelope.js';
export * from './event-schemas.js';
export type { FieldIssue } from './issues.js';
export { ENVELOPE_FIELD_LABELS, NESTED_KEY_SEPARATOR } from './zap-fields.js';
export * from './signing.js';
export type * from './api.js';

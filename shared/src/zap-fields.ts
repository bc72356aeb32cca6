/**
 * How a webhook body becomes the flat record a Zap sees: the envelope keys first,
 * then `data` with nested objects flattened Zapier's own way (`capturedFields__email`),
 * so Zapier's labels and field mapping work on them unchanged.
 */
export const NESTED_KEY_SEPARATOR = '__';

/** The record keys taken from the envelope, with their labels; shared by every event type. */
export const ENVELOPE_FIELD_LABELS = {
  id: 'Event ID',
  eventType: 'Event Type',
  timestamp: 'Event Time',
  workspaceId: 'Workspace ID',
  test: 'Is Test Event',
} as const;

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Flattens nested objects into `parent__child` keys; arrays and scalars stay as they are. */
export function flattenForZap(value: Record<string, unknown>, prefix = ''): Record<string, unknown> {
  const flat: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value)) {
    const name = prefix === '' ? key : `${prefix}${NESTED_KEY_SEPARATOR}${key}`;
    if (isPlainObject(child)) Object.assign(flat, flattenForZap(child, name));
    else flat[name] = child;
  }
  return flat;
}

import { EVENT_TYPES, eventCatalog, sampleWebhookBody, type CatalogEventOut, type CatalogFieldOut, type EventType } from '@nebulahex/shared';
import { z } from 'zod';

interface JsonSchema {
  type?: string | string[];
  anyOf?: JsonSchema[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  format?: string;
}

/** The JSON type of a property (its format where it has one), and whether null is allowed. */
function describeType(schema: JsonSchema): { type: string; nullable: boolean; object?: JsonSchema } {
  const variants = schema.anyOf ?? [schema];
  const nonNull = variants.filter((variant) => variant.type !== 'null');
  const first = nonNull[0] ?? {};
  const type = [first.type, first.format].filter(Boolean).join(' ') || 'any';
  return { type, nullable: nonNull.length < variants.length, ...(first.properties ? { object: first } : {}) };
}

/** Every field of a data schema, nested objects flattened to dotted names. */
function fieldsOf(schema: JsonSchema, prefix = ''): CatalogFieldOut[] {
  return Object.entries(schema.properties ?? {}).flatMap(([key, property]) => {
    const name = `${prefix}${key}`;
    const { type, nullable, object } = describeType(property);
    const field = { name, type, nullable, required: (schema.required ?? []).includes(key) };
    return object ? [field, ...fieldsOf(object, `${name}.`)] : [field];
  });
}

const entry = (type: EventType, workspaceId: string): CatalogEventOut => {
  const definition = eventCatalog[type];
  return {
    type,
    label: definition.label,
    description: definition.description,
    source: definition.source,
    fields: fieldsOf(z.toJSONSchema(definition.data, { io: 'input', unrepresentable: 'any' }) as JsonSchema),
    sample: { ...sampleWebhookBody(type), workspaceId },
  };
};

/** The catalog as the portal shows it: each type's label, description, fields and sample body. */
export function catalogFor(workspaceId: string): CatalogEventOut[] {
  return EVENT_TYPES.map((type) => entry(type, workspaceId));
}

import { describe, expect, it } from '@jest/globals';
import { App } from './testing/harness.js';

/*
 * Zapier's publishing rules that can be checked without Zapier's servers, over every operation
 * the app registers, so a new trigger or action cannot slip past them.
 */

interface Field {
  key: string;
  label?: string;
  helpText?: string;
  dynamic?: string;
}

interface Operation {
  type?: string;
  inputFields?: Field[];
  outputFields?: Field[];
  sample?: Record<string, unknown>;
  performList?: unknown;
  performSubscribe?: unknown;
  performUnsubscribe?: unknown;
}

interface Definition {
  key: string;
  noun: string;
  display: { label: string; description: string; hidden?: boolean };
  operation: Operation;
}

const kinds = ['triggers', 'creates', 'searches'] as const;
const definitionsOf = (kind: (typeof kinds)[number]) => Object.values(App[kind] as unknown as Record<string, Definition>);
const all = kinds.flatMap((kind) => definitionsOf(kind).map((definition) => [`${kind}.${definition.key}`, definition] as const));
const triggers = definitionsOf('triggers');
const hookTriggers = triggers.filter((trigger) => trigger.operation.type === 'hook');

// Zapier's title case: every word capitalised except short joining words after the first.
const SMALL_WORDS = new Set(['a', 'an', 'and', 'as', 'at', 'by', 'for', 'from', 'in', 'of', 'on', 'or', 'the', 'to', 'with']);
function isTitleCase(label: string): boolean {
  return label
    .split(/\s+/)
    .filter((word) => /^[A-Za-z]/.test(word))
    .every((word, index) => (index > 0 && SMALL_WORDS.has(word)) || /^[A-Z]/.test(word));
}

const ISO_8601_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/;
const looksLikeDate = (key: string) => /(At|timestamp)$/.test(key.split('__').pop() ?? key);
const looksLikeId = (field: Field) => /(^id|Id)$/.test(field.key) || / ID$/.test(field.label ?? '');

describe('publishing rules', () => {
  it('registers at least the lead and escalation instant triggers', () => {
    expect(hookTriggers.map((trigger) => trigger.key)).toEqual(expect.arrayContaining(['lead_captured', 'conversation_escalation']));
    expect(triggers.find((trigger) => trigger.key === 'lead_captured')?.display.label).toBe('New Lead');
  });

  it.each(all)('%s has a title-case label, noun and field labels', (_path, definition) => {
    const labels = [definition.display.label, definition.noun, ...[...(definition.operation.inputFields ?? []), ...(definition.operation.outputFields ?? [])].map((field) => field.label ?? '')];
    for (const label of labels) {
      expect(label).not.toBe('');
      expect({ label, titleCase: isTitleCase(label) }).toEqual({ label, titleCase: true });
    }
  });

  it.each(all)('%s has a description that is one or more sentences', (_path, definition) => {
    expect(definition.display.description).toMatch(/^[A-Z].*\.$/);
  });

  it.each(triggers.map((trigger) => [trigger.key, trigger] as const))('trigger %s is described as "Triggers when … ."', (_key, trigger) => {
    expect(trigger.display.description).toMatch(/^Triggers when .+\.$/);
  });

  it('connects with OAuth 2.0 (PKCE, auto refresh), tests the connection and labels it', () => {
    const auth = App.authentication;
    expect(auth?.type).toBe('oauth2');
    expect(auth?.oauth2Config).toMatchObject({ scope: 'workspace', autoRefresh: true, enablePkce: true });
    expect(typeof auth?.oauth2Config?.refreshAccessToken).toBe('function');
    expect(auth?.test).toBeDefined();
    expect(auth?.connectionLabel).toBeDefined();
  });

  it.each(all)('%s offers a dropdown for every id-like input', (_path, definition) => {
    for (const field of (definition.operation.inputFields ?? []).filter(looksLikeId)) {
      expect({ field: field.key, dynamic: field.dynamic }).toEqual({ field: field.key, dynamic: expect.stringMatching(/^\w+\.id\.\w+$/) });
    }
  });

  it.each(hookTriggers.map((trigger) => [trigger.key, trigger] as const))('REST hook trigger %s can subscribe, unsubscribe and list', (_key, trigger) => {
    expect(typeof trigger.operation.performList).toBe('function');
    expect(typeof trigger.operation.performSubscribe).toBe('function');
    expect(typeof trigger.operation.performUnsubscribe).toBe('function');
  });

  it.each(all)('%s has a static sample with an id and ISO-8601 dates, keyed like its outputFields', (_path, definition) => {
    const sample = definition.operation.sample ?? {};
    expect(sample.id).toEqual(expect.any(String));
    for (const [key, value] of Object.entries(sample).filter(([key, value]) => looksLikeDate(key) && value !== null)) {
      expect({ key, value }).toEqual({ key, value: expect.stringMatching(ISO_8601_UTC) });
    }
    const outputKeys = (definition.operation.outputFields ?? []).map((field) => field.key);
    expect(Object.keys(sample).sort()).toEqual([...outputKeys].sort());
  });
});

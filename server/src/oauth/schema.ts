import { z } from 'zod';
import { WORKSPACE_SCOPE } from './provider.js';

/** Each scope an app may ask for, in the words the consent screen shows. */
const SCOPE_WORDS: Record<string, string> = {
  [WORKSPACE_SCOPE]:
    'Read your bots, conversations and events, send messages, resolve conversations, capture leads, and subscribe to events — everything an API key with the member role can do. It cannot manage API keys.',
};

/** The requested scopes in plain words; one the server does not know is shown as not granted. */
export function describeScopes(requested: string[]): { name: string; description: string }[] {
  const names = requested.length > 0 ? requested : [WORKSPACE_SCOPE];
  return names.map((name) => ({ name, description: SCOPE_WORDS[name] ?? 'Not known to NebulaHex: it will not be granted.' }));
}

export const ConsentOut = z
  .object({
    app: z.object({ name: z.string() }),
    workspace: z.object({ id: z.string(), name: z.string() }),
    signedInAs: z.string(),
    scopes: z.array(z.object({ name: z.string(), description: z.string() })),
    csrfToken: z.string(),
  })
  .meta({ id: 'Consent' });
export type ConsentOut = z.infer<typeof ConsentOut>;

export const ConnectedAppOut = z
  .object({
    id: z.string().meta({ example: 'oac_6650a1f2c3d4e5f6a7b8c9d0' }),
    name: z.string().meta({ description: 'The app, as it registered.', example: 'Zapier' }),
    connectedBy: z.string().meta({ description: 'Who allowed the connection, as their portal sign-in named them.' }),
    connectedAt: z.iso.datetime(),
    lastUsedAt: z.iso.datetime().nullable().meta({ description: 'Last API request with one of its tokens (to the minute).' }),
  })
  .meta({ id: 'ConnectedApp' });
export type ConnectedAppOut = z.infer<typeof ConnectedAppOut>;

export const ConnectedAppListOut = z.object({ apps: z.array(ConnectedAppOut) }).meta({ id: 'ConnectedAppList' });

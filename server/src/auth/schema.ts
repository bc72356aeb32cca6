import { z } from 'zod';
import { API_KEY_ROLES } from './model.js';

export const CreateApiKeyIn = z
  .strictObject({
    name: z.string().trim().min(1).max(100).meta({ example: 'Zapier' }),
    role: z.enum(API_KEY_ROLES).default('member').meta({ description: '`admin` keys manage keys; `member` keys do everything else.' }),
  })
  .meta({ id: 'CreateApiKeyIn' });
export type CreateApiKeyIn = z.infer<typeof CreateApiKeyIn>;

const KeyFields = {
  id: z.string().meta({ example: 'key_6650a1f2c3d4e5f6a7b8c9d0' }),
  name: z.string(),
  prefix: z.string().meta({ description: 'The first characters of the key, to tell keys apart.', example: 'nhx_sk_Ab12Cd' }),
  role: z.enum(API_KEY_ROLES),
};
const timestamp = () => z.iso.datetime();

export const ApiKeyOut = z
  .object({ ...KeyFields, createdAt: timestamp(), lastUsedAt: timestamp().nullable(), revokedAt: timestamp().nullable() })
  .meta({ id: 'ApiKey' });
export type ApiKeyOut = z.infer<typeof ApiKeyOut>;

export const CreatedApiKeyOut = z
  .object({ ...KeyFields, key: z.string().meta({ description: 'The full key: shown now and, within 10 minutes, once more by reveal.' }), createdAt: timestamp() })
  .meta({ id: 'CreatedApiKey' });
export type CreatedApiKeyOut = z.infer<typeof CreatedApiKeyOut>;

export const ApiKeyListOut = z.object({ keys: z.array(ApiKeyOut) }).meta({ id: 'ApiKeyList' });
export const RevealedApiKeyOut = z.object({ id: z.string(), key: z.string() }).meta({ id: 'RevealedApiKey' });

export const MeOut = z
  .object({
    workspace: z.object({ id: z.string(), name: z.string() }),
    apiKey: z.object({ ...KeyFields, createdAt: timestamp() }).optional().meta({ description: 'The calling API key (absent for an OAuth access token).' }),
    connection: z
      .object({ id: z.string(), app: z.string(), connectedBy: z.string() })
      .optional()
      .meta({ description: 'The connected app an OAuth access token belongs to, and who connected it (absent for an API key).' }),
  })
  .meta({ id: 'Me' });
export type MeOut = z.infer<typeof MeOut>;

import type { AuthMeOut } from '@nebulahex/shared';
import type { Authentication, Bundle, ZObject } from 'zapier-platform-core';
import { apiRequest } from './client.js';
import { API_KEYS_PAGE } from './middleware.js';

const test = async (z: ZObject): Promise<AuthMeOut> => {
  const response = await apiRequest<AuthMeOut>(z, { path: '/auth/me' });
  return response.data;
};

/** Zapier hands the test's result to the label as `inputData`; the workspace name tells accounts apart. */
const connectionLabel = async (_z: ZObject, bundle: Bundle): Promise<string> => {
  const me = bundle.inputData as Partial<AuthMeOut>;
  return me.workspace?.name ?? '';
};

export default {
  type: 'custom',
  fields: [
    {
      key: 'apiKey',
      label: 'API Key',
      type: 'password',
      required: true,
      helpText:
        `Create a key in NebulaHex under [Settings → API Keys](${API_KEYS_PAGE}) and paste it here. ` +
        'It starts with `nhx_sk_` and is shown only once, so copy it right after creating it.',
    },
  ],
  test,
  connectionLabel,
} satisfies Authentication;

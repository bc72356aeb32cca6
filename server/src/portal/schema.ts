import { z } from 'zod';

export const PortalLinkOut = z
  .object({
    url: z.url().meta({ description: 'Opens the portal signed in to the workspace. Works once, until `expiresAt`.' }),
    expiresAt: z.string(),
  })
  .meta({ id: 'PortalLink' });

export const StartSessionQuery = z.object({ token: z.string().max(200).default('') });

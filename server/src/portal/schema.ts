import { z } from 'zod';

export const PortalLinkOut = z
  .object({
    url: z.url().meta({ description: 'Opens the portal signed in to the workspace. Works once, until `expiresAt`.' }),
    expiresAt: z.string(),
  })
  .meta({ id: 'PortalLink' });

export const StartSessionQuery = z.object({ token: z.string().max(200).default('') });

export const PortalLinkIn = z
  .strictObject({
    signedInAs: z.string().trim().min(1).max(100).optional().meta({
      description: 'Who will use the link (a name or email), as the portal, consent screens and connected apps name them. Default: the calling API key, by name.',
    }),
  })
  .meta({ id: 'PortalLinkIn' });

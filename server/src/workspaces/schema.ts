import { z } from 'zod';
import { API_KEY_ROLES } from '../auth/model.js';

export const CreateWorkspaceIn = z
  .strictObject({ name: z.string().trim().min(1).max(100).meta({ example: 'Acme Support' }) })
  .meta({ id: 'CreateWorkspaceIn' });
export type CreateWorkspaceIn = z.infer<typeof CreateWorkspaceIn>;

export const WorkspaceOut = z.object({ id: z.string().meta({ example: 'ws_6650a1f2c3d4e5f6a7b8c9d0' }), name: z.string() }).meta({ id: 'Workspace' });
export type WorkspaceOut = z.infer<typeof WorkspaceOut>;

export const CreatedWorkspaceOut = z
  .object({
    workspace: WorkspaceOut,
    apiKey: z.object({ id: z.string(), name: z.string(), prefix: z.string(), role: z.enum(API_KEY_ROLES), key: z.string() }),
  })
  .meta({ id: 'CreatedWorkspace' });
export type CreatedWorkspaceOut = z.infer<typeof CreatedWorkspaceOut>;

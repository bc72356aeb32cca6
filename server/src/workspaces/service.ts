import type { Connection } from 'mongoose';
import type { ApiKeyService } from '../auth/service.js';
import type { ApiKeyDoc } from '../auth/model.js';
import { newId } from '../db/model.js';
import { perConnection } from '../db/per-connection.js';
import { createReadCache, type ReadCache } from '../db/read-cache.js';
import { NotFoundError } from '../http/errors.js';
import { workspaceModel, type WorkspaceDoc } from './model.js';

export const FIRST_KEY_NAME = 'Admin key';

/** Creates a workspace with its first admin key (the only way to get the first key). */
export async function createWorkspace(
  { connection, apiKeys }: { connection: Connection; apiKeys: ApiKeyService },
  name: string,
): Promise<{ workspace: WorkspaceDoc; key: ApiKeyDoc; plain: string }> {
  const now = new Date();
  const workspace: WorkspaceDoc = { _id: newId('ws'), name, createdAt: now, updatedAt: now };
  await workspaceModel(connection).create(workspace);
  const { key, plain } = await apiKeys.create({ workspaceId: workspace._id, name: FIRST_KEY_NAME, role: 'admin' });
  return { workspace, key, plain };
}

/** The workspace, or 404. */
export async function getWorkspace(connection: Connection, workspaceId: string): Promise<WorkspaceDoc> {
  const workspace = await workspaceModel(connection).findById(workspaceId).lean<WorkspaceDoc>();
  if (!workspace) throw new NotFoundError('Workspace', 'workspace_not_found');
  return workspace;
}

const MAX_WORKSPACES = 10_000;
const lookups = perConnection<ReadCache<WorkspaceDoc>>();

/**
 * The workspace, or 404, as read at most `ttlMs` ago (SUBSCRIPTION_CACHE_MS): event ingestion
 * asks for the same workspace on every event. An unknown id is never remembered, so a
 * workspace created through another process is found at once.
 */
export function getWorkspaceCached(connection: Connection, workspaceId: string, ttlMs: number): Promise<WorkspaceDoc> {
  return lookups.of(connection, () => createReadCache({ ttlMs, max: MAX_WORKSPACES, load: (id) => getWorkspace(connection, id) })).get(workspaceId);
}

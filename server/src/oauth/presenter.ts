import type { OAuthConnectionDoc } from './model.js';
import type { ConnectedAppOut as SharedConnectedAppOut } from '@nebulahex/shared';
import type { ConnectedAppOut } from './schema.js';

export function presentConnectedApp(doc: OAuthConnectionDoc): ConnectedAppOut & SharedConnectedAppOut {
  return {
    id: doc._id,
    name: doc.clientName,
    connectedBy: doc.connectedBy,
    connectedAt: doc.createdAt.toISOString(),
    lastUsedAt: doc.lastUsedAt?.toISOString() ?? null,
  };
}

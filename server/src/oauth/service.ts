import type { Connection } from 'mongoose';
import { newId } from '../db/model.js';
import { NotFoundError } from '../http/errors.js';
import { oauthConnectionModel, oauthRecordModel, type OAuthConnectionDoc } from './model.js';

export interface NewConnection {
  workspaceId: string;
  grantId: string;
  clientId: string;
  clientName: string;
  connectedBy: string;
}

/**
 * The apps connected to workspaces: one record per consented grant. Revoking marks the record
 * and makes `revokeGrant` (oidc-provider's adapter) delete the grant's codes and tokens.
 */
export function createConnectionService(connection: Connection, revokeGrant: (grantId: string) => Promise<void>) {
  const Connections = oauthConnectionModel(connection);
  const Records = oauthRecordModel(connection);
  return {
    async record(input: NewConnection, now = new Date()): Promise<OAuthConnectionDoc> {
      const doc: OAuthConnectionDoc = { _id: newId('oac'), ...input, createdAt: now, lastUsedAt: null, revokedAt: null };
      await Connections.create(doc);
      return doc;
    },

    /** The workspace's live connections, newest first: not revoked here, and with their grant still there (the provider revokes a grant whose refresh token is reused). */
    async list(workspaceId: string): Promise<OAuthConnectionDoc[]> {
      const found = await Connections.find({ workspaceId, revokedAt: null }).sort({ _id: -1 }).limit(100).lean<OAuthConnectionDoc[]>();
      const grants = await Records.find({ _id: { $in: found.map((doc) => `Grant:${doc.grantId}`) } }, { _id: 1 }).lean<{ _id: string }[]>();
      const live = new Set(grants.map((grant) => grant._id));
      return found.filter((doc) => live.has(`Grant:${doc.grantId}`));
    },

    /** Revokes a connection of this workspace (404 for another workspace's or an unknown id; idempotent). */
    async revoke(workspaceId: string, connectionId: string, now = new Date()): Promise<void> {
      const found = await Connections.findOne({ _id: connectionId, workspaceId }).lean<OAuthConnectionDoc>();
      if (!found) throw new NotFoundError('Connected app', 'connected_app_not_found');
      await Connections.updateOne({ _id: connectionId, revokedAt: null }, { $set: { revokedAt: now } });
      await revokeGrant(found.grantId);
    },
  };
}

export type ConnectionService = ReturnType<typeof createConnectionService>;

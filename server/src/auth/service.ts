import type { Connection } from 'mongoose';
import type { Encryptor } from '../crypto/encryption.js';
import { acquireLease, releaseLease } from '../db/lease.js';
import { newId } from '../db/model.js';
import { GoneError, NotFoundError } from '../http/errors.js';
import { displayPrefix, generateApiKey, hashApiKey } from './keys.js';
import { apiKeyModel, type ApiKeyDoc, type ApiKeyRole } from './model.js';

export interface ApiKeyServiceDeps {
  connection: Connection;
  encryptor: Encryptor;
  /** How long after creation a key may be revealed once more. */
  revealWindowMinutes: number;
}

export interface NewApiKey {
  workspaceId: string;
  name: string;
  role: ApiKeyRole;
}

/** API keys of a workspace: creation, listing, the one-time reveal, revocation. */
export function createApiKeyService({ connection, encryptor, revealWindowMinutes }: ApiKeyServiceDeps) {
  const ApiKeys = apiKeyModel(connection);
  const notFound = () => new NotFoundError('API key', 'api_key_not_found');

  return {
    /** Stores a new key (its hash, and the key itself sealed for the reveal window); returns the plain key once. */
    async create({ workspaceId, name, role }: NewApiKey): Promise<{ key: ApiKeyDoc; plain: string }> {
      const plain = generateApiKey();
      const now = new Date();
      const revealable = revealWindowMinutes > 0;
      const key: ApiKeyDoc = {
        _id: newId('key'),
        workspaceId,
        name,
        prefix: displayPrefix(plain),
        hash: hashApiKey(plain),
        role,
        createdAt: now,
        lastUsedAt: null,
        revokedAt: null,
        sealedKey: revealable ? encryptor.encrypt(plain) : null,
        revealableUntil: revealable ? new Date(now.getTime() + revealWindowMinutes * 60_000) : null,
      };
      await ApiKeys.create(key);
      return { key, plain };
    },

    async list(workspaceId: string): Promise<ApiKeyDoc[]> {
      return ApiKeys.find({ workspaceId }).sort({ _id: -1 }).lean<ApiKeyDoc[]>();
    },

    async get(workspaceId: string, keyId: string): Promise<ApiKeyDoc> {
      const key = await ApiKeys.findOne({ _id: keyId, workspaceId }).lean<ApiKeyDoc>();
      if (!key) throw notFound();
      return key;
    },

    /** Gives the full key once more within the window, destroying the sealed copy as it does; 410 afterwards. */
    async reveal(workspaceId: string, keyId: string): Promise<string> {
      const key = await ApiKeys.findOne({ _id: keyId, workspaceId }).lean<ApiKeyDoc>();
      if (!key) throw notFound();
      const open = key.sealedKey !== null && !key.revokedAt && key.revealableUntil !== null && key.revealableUntil > new Date();
      // A lease (an insert) rather than a conditional update picks the one reveal: on
      // FerretDB 1.x two concurrent conditional updates can both succeed.
      const lease = open ? await acquireLease(connection, `api-key-reveal:${keyId}`, 'reveal', revealWindowMinutes * 60_000) : null;
      await ApiKeys.updateOne({ _id: keyId, workspaceId }, { $set: { sealedKey: null, revealableUntil: null } });
      if (!lease || key.sealedKey === null) {
        throw new GoneError(
          `The key can no longer be revealed: it is shown once more only within ${revealWindowMinutes} minutes of creation. Create a new key instead.`,
          'reveal_window_closed',
        );
      }
      await releaseLease(connection, lease, { done: true });
      return encryptor.decrypt(key.sealedKey);
    },

    /** Revokes at once (auth reads `revokedAt` on every request); revoking twice is harmless. */
    async revoke(workspaceId: string, keyId: string): Promise<void> {
      const revoked = await ApiKeys.updateOne(
        { _id: keyId, workspaceId, revokedAt: null },
        { $set: { revokedAt: new Date(), sealedKey: null, revealableUntil: null } },
      );
      if (revoked.matchedCount === 1) return;
      const result = await ApiKeys.updateOne({ _id: keyId, workspaceId }, { $set: { sealedKey: null } });
      if (result.matchedCount === 0) throw notFound();
    },

  };
}

export type ApiKeyService = ReturnType<typeof createApiKeyService>;

/** Destroys the sealed copies of keys whose reveal window has ended; answers how many. */
export async function purgeExpiredReveals(connection: Connection, now = new Date()): Promise<number> {
  const result = await apiKeyModel(connection).updateMany({ revealableUntil: { $lte: now } }, { $set: { sealedKey: null, revealableUntil: null } });
  return result.modifiedCount;
}

import type { Connection } from 'mongoose';
import type { Encryptor } from '../crypto/encryption.js';
import { newId } from '../db/model.js';
import { GoneError, NotFoundError } from '../http/errors.js';
import { displayPrefix, generateApiKey, hashApiKey } from './keys.js';
import { forgetCachedKey } from './key-cache.js';
import { apiKeyModel, apiKeyRevealModel, type ApiKeyDoc, type ApiKeyRole } from './model.js';

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
  const Reveals = apiKeyRevealModel(connection);
  const notFound = () => new NotFoundError('API key', 'api_key_not_found');
  const windowClosed = () =>
    new GoneError(
      `The key can no longer be revealed: it is shown once more only within ${revealWindowMinutes} minutes of creation. Create a new key instead.`,
      'reveal_window_closed',
    );

  return {
    /** Stores a new key (its hash, and the key itself sealed for the reveal window); returns the plain key once. */
    async create({ workspaceId, name, role }: NewApiKey): Promise<{ key: ApiKeyDoc; plain: string }> {
      const plain = generateApiKey();
      const now = new Date();
      const key: ApiKeyDoc = { _id: newId('key'), workspaceId, name, prefix: displayPrefix(plain), hash: hashApiKey(plain), role, createdAt: now, revokedAt: null, lastUsedAt: null };
      await ApiKeys.create(key);
      if (revealWindowMinutes > 0) {
        const revealableUntil = new Date(now.getTime() + revealWindowMinutes * 60_000);
        await Reveals.create({ _id: key._id, workspaceId, sealedKey: encryptor.encrypt(plain), revealableUntil });
      }
      return { key, plain };
    },

    list(workspaceId: string): Promise<ApiKeyDoc[]> {
      return ApiKeys.find({ workspaceId }).sort({ _id: -1 }).lean<ApiKeyDoc[]>();
    },

    async get(workspaceId: string, keyId: string): Promise<ApiKeyDoc> {
      const key = await ApiKeys.findOne({ _id: keyId, workspaceId }).lean<ApiKeyDoc>();
      if (!key) throw notFound();
      return key;
    },

    /** Gives the full key once more within the window, destroying the sealed copy as it does; 410 afterwards. */
    async reveal(workspaceId: string, keyId: string): Promise<string> {
      const key = await this.get(workspaceId, keyId);
      // Deleting the sealed copy is what picks the one reveal: of concurrent callers, one gets it.
      const sealed = await Reveals.findOneAndDelete({ _id: keyId, workspaceId }).lean();
      if (!sealed || key.revokedAt !== null || sealed.revealableUntil <= new Date()) throw windowClosed();
      return encryptor.decrypt(sealed.sealedKey);
    },

    /** Revokes at once (auth reads `revokedAt` on every request); revoking twice is harmless. */
    async revoke(workspaceId: string, keyId: string): Promise<void> {
      const key = await this.get(workspaceId, keyId);
      if (key.revokedAt === null) await ApiKeys.updateOne({ _id: keyId, workspaceId }, { $set: { revokedAt: new Date() } });
      forgetCachedKey(connection, key.hash); // this process's auth cache; others within API_KEY_CACHE_MS
      await Reveals.deleteOne({ _id: keyId, workspaceId });
    },
  };
}

export type ApiKeyService = ReturnType<typeof createApiKeyService>;

/** Destroys the sealed copies of keys whose reveal window has ended; answers how many. */
export async function purgeExpiredReveals(connection: Connection, now = new Date()): Promise<number> {
  return (await apiKeyRevealModel(connection).deleteMany({ revealableUntil: { $lte: now } })).deletedCount;
}

import { createHash } from 'node:crypto';
import type { Connection } from 'mongoose';
import type { Adapter, AdapterPayload } from 'oidc-provider';
import { oauthRecordModel } from './model.js';

/** Bearer values: kept only as hashes, like API keys (the value is the token itself). */
const HASHED = new Set(['AccessToken', 'RefreshToken', 'AuthorizationCode']);
const SWEEP_EVERY_MS = 60_000;
/** Expired records are kept this long, so an expired access token is told apart from an unknown one. */
const KEEP_EXPIRED_MS = 3_600_000;

const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');

/**
 * oidc-provider's storage on our MongoDB: one collection, one document per model instance
 * (`<Model>:<id>`). Tokens and codes are stored under the hash of their value, never the value.
 * oidc-provider checks every record's expiry (`exp`) when it reads it; expired documents are
 * deleted an hour after they expire, at most once a minute per process (portable: the embedded
 * database has no TTL indexes). `onRevoke` hears every destroyed token and revoked grant, so
 * this process forgets them at once.
 */
export function mongoAdapterFactory(connection: Connection, onRevoke: (kind: 'token' | 'grant', id: string) => void) {
  const Records = oauthRecordModel(connection);
  let lastSweep = 0;
  const sweep = () => {
    if (Date.now() - lastSweep < SWEEP_EVERY_MS) return;
    lastSweep = Date.now();
    void Records.deleteMany({ expiresAt: { $lt: new Date(Date.now() - KEEP_EXPIRED_MS) } }).catch(() => undefined);
  };

  return class MongoAdapter implements Adapter {
    constructor(readonly name: string) {}

    key(id: string): string {
      return `${this.name}:${HASHED.has(this.name) ? sha256(id) : id}`;
    }

    async findOne(filter: Record<string, unknown>, id?: string): Promise<AdapterPayload | undefined> {
      const found = await Records.findOne({ ...filter, kind: this.name }).lean();
      if (!found || (found.expiresAt && found.expiresAt.getTime() + KEEP_EXPIRED_MS <= Date.now())) return undefined;
      const payload = { ...(JSON.parse(found.payload) as AdapterPayload), ...(found.consumed ? { consumed: found.consumed } : {}) };
      return HASHED.has(this.name) && id ? { ...payload, jti: id } : payload;
    }

    async upsert(id: string, payload: AdapterPayload, expiresIn: number): Promise<void> {
      sweep();
      const { jti, ...rest } = payload;
      // JSON text: payload keys such as resource URLs hold dots, which stored field names should not.
      const stored = JSON.stringify(HASHED.has(this.name) ? rest : { ...rest, jti });
      const expiresAt = expiresIn ? new Date(Date.now() + expiresIn * 1000) : null;
      const set = { kind: this.name, payload: stored, grantId: payload.grantId ?? null, uid: payload.uid ?? null, consumed: payload.consumed ?? null, expiresAt };
      await Records.updateOne({ _id: this.key(id) }, { $set: set }, { upsert: true });
    }

    find(id: string): Promise<AdapterPayload | undefined> {
      return this.findOne({ _id: this.key(id) }, id);
    }

    findByUid(uid: string): Promise<AdapterPayload | undefined> {
      return this.findOne({ uid });
    }

    findByUserCode(): Promise<AdapterPayload | undefined> {
      return Promise.resolve(undefined); // the device flow is not enabled
    }

    async consume(id: string): Promise<void> {
      await Records.updateOne({ _id: this.key(id) }, { $set: { consumed: Math.floor(Date.now() / 1000) } });
    }

    async destroy(id: string): Promise<void> {
      await Records.deleteOne({ _id: this.key(id) });
      onRevoke('token', this.key(id));
    }

    async revokeByGrantId(grantId: string): Promise<void> {
      await Records.deleteMany({ kind: this.name, grantId });
      onRevoke('grant', grantId);
    }
  };
}

/** The key under which the adapter keeps an access token: what a cache of tokens may be keyed by. */
export const accessTokenKey = (token: string): string => `AccessToken:${sha256(token)}`;

/** Deletes a grant with every code and token issued under it (a revoked connection). */
export async function deleteGrantRecords(connection: Connection, grantId: string): Promise<void> {
  const Records = oauthRecordModel(connection);
  await Records.deleteMany({ grantId });
  await Records.deleteOne({ _id: `Grant:${grantId}` });
}

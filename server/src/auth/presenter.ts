import type { ApiKeyDoc } from './model.js';
import type { ApiKeyOut, CreatedApiKeyOut } from './schema.js';

const iso = (date: Date | null) => (date ? date.toISOString() : null);

export function presentApiKey(key: ApiKeyDoc): ApiKeyOut {
  return {
    id: key._id,
    name: key.name,
    prefix: key.prefix,
    role: key.role,
    createdAt: key.createdAt.toISOString(),
    lastUsedAt: iso(key.lastUsedAt),
    revokedAt: iso(key.revokedAt),
  };
}

/** The one answer that carries the full key (right after creation). */
export function presentCreatedApiKey(key: ApiKeyDoc, plain: string): CreatedApiKeyOut {
  return { id: key._id, name: key.name, prefix: key.prefix, role: key.role, key: plain, createdAt: key.createdAt.toISOString() };
}

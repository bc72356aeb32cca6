import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Config, RuntimeConfig } from '../config.js';

interface StoredSecrets {
  ENCRYPTION_KEY: string;
  INTERNAL_API_TOKEN: string;
}

/**
 * Settles ENCRYPTION_KEY and INTERNAL_API_TOKEN. With a real MongoDB both must be
 * configured (losing the key would make every stored secret unreadable). With the
 * embedded database, missing ones are generated once into DATA_DIR/secrets.json, so a
 * restart of `npm start` keeps working with the data it made.
 */
export async function resolveSecrets(config: Config): Promise<RuntimeConfig> {
  if (config.ENCRYPTION_KEY && config.INTERNAL_API_TOKEN) {
    return { ...config, ENCRYPTION_KEY: config.ENCRYPTION_KEY, INTERNAL_API_TOKEN: config.INTERNAL_API_TOKEN };
  }
  if (config.MONGODB_URI) {
    const missing = ['ENCRYPTION_KEY', 'INTERNAL_API_TOKEN'].filter((key) => !config[key as keyof Config]);
    throw new Error(`${missing.join(' and ')} must be set when MONGODB_URI is (see README, "Configuration").`);
  }
  const file = join(config.DATA_DIR, 'secrets.json');
  const stored = await readFile(file, 'utf8').then(
    (text) => JSON.parse(text) as StoredSecrets,
    () => undefined,
  );
  const secrets: StoredSecrets = stored ?? {
    ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    INTERNAL_API_TOKEN: randomBytes(32).toString('base64url'),
  };
  if (!stored) {
    await mkdir(config.DATA_DIR, { recursive: true, mode: 0o700 });
    await writeFile(file, `${JSON.stringify(secrets, null, 2)}\n`, { mode: 0o600 });
  }
  return {
    ...config,
    ENCRYPTION_KEY: config.ENCRYPTION_KEY ?? secrets.ENCRYPTION_KEY,
    INTERNAL_API_TOKEN: config.INTERNAL_API_TOKEN ?? secrets.INTERNAL_API_TOKEN,
  };
}

import { chmod, mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Makes DATA_DIR private to the user running the server: the folder 0700 and what it
 * already holds 0700 (folders) / 0600 (files), so data written by an older version with
 * wider modes is closed too. It holds the embedded database's files and the generated
 * secrets; nobody else on the machine has any business reading them.
 */
export async function makeDataDirPrivate(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await chmod(dir, 0o700);
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    const path = join(entry.parentPath, entry.name);
    if (entry.isDirectory()) await chmod(path, 0o700);
    else if (entry.isFile()) await chmod(path, 0o600);
  }
}

import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Source changes applied to FerretDB before it is built. Each is small, checked (the build
 * stops if the text it expects is not there), and fixes something measured:
 * `BENCHMARKS.md` has the figures.
 */
export interface SourcePatch {
  file: string;
  find: string;
  replace: string;
  why: string;
}

export const FERRETDB_PATCHES: readonly SourcePatch[] = [
  {
    file: 'internal/backends/sqlite/metadata/metadata.go',
    find: `IDColumn = DefaultColumn + "->'$._id'"`,
    replace: 'IDColumn = DefaultColumn + `->"_id"`',
    why:
      "The unique _id index is created on the expression sjson->\"_id\" but lookups query sjson->'$._id', " +
      'an equal value SQLite cannot match to the index: every lookup, update and delete by _id scanned the whole table.',
  },
  {
    file: 'internal/backends/sqlite/collection.go',
    find: '\tif params.Filter.Len() == 1 {',
    replace: '\tif params.Filter.Len() >= 1 {',
    why:
      'The _id equality was pushed down to SQLite only when it was the whole filter; { _id, lockedBy } scanned. ' +
      'Every caller re-applies the whole filter to what the query returns, so narrowing by _id first is exact.',
  },
];

/** Applies every patch to the source tree at `root`; throws naming the patch whose text is missing. */
export async function applyPatches(root: string, patches: readonly SourcePatch[] = FERRETDB_PATCHES): Promise<void> {
  for (const patch of patches) {
    const path = join(root, patch.file);
    const source = await readFile(path, 'utf8');
    const occurrences = source.split(patch.find).length - 1;
    if (occurrences === 0) throw new Error(`FerretDB patch does not apply: ${patch.file} no longer contains ${JSON.stringify(patch.find)}`);
    await writeFile(path, source.replaceAll(patch.find, patch.replace));
  }
}

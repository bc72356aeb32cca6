import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { applyPatches, FERRETDB_PATCHES, type SourcePatch } from './ferretdb-patches.js';

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'patch-test-'));
  await mkdir(join(root, 'pkg'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

const patch: SourcePatch = { file: 'pkg/a.go', find: 'x == 1', replace: 'x >= 1', why: 'test' };

describe('applyPatches', () => {
  it('replaces every occurrence of the expected text', async () => {
    await writeFile(join(root, 'pkg/a.go'), 'if x == 1 {}\nif x == 1 {}\n');
    await applyPatches(root, [patch]);
    expect(await readFile(join(root, 'pkg/a.go'), 'utf8')).toBe('if x >= 1 {}\nif x >= 1 {}\n');
  });

  it('refuses to build when a file no longer contains the expected text, naming both', async () => {
    await writeFile(join(root, 'pkg/a.go'), 'if y == 1 {}\n');
    await expect(applyPatches(root, [patch])).rejects.toThrow(/pkg\/a\.go no longer contains "x == 1"/);
  });

  it('says why each FerretDB patch exists and changes something', () => {
    for (const each of FERRETDB_PATCHES) {
      expect(each.why.length).toBeGreaterThan(40);
      expect(each.replace).not.toBe(each.find);
    }
  });
});

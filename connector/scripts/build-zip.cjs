#!/usr/bin/env node
/**
 * Builds build/build.zip with `zapier-platform build` (offline: no dependency reinstall, no
 * remote validation), then adds the files the CLI's dependency trace misses. See README "Build".
 *
 * The CLI finds what to zip with esbuild, which resolves package `exports` without Node's
 * `module-sync` condition. Node >= 20.19 and 22.12 (Zapier's runtime is Node 22) do use it when
 * `require()`-ing such a package, so the zip lacks e.g. `async-function/require.mjs` (reached via
 * zapier-platform-core → form-data → get-intrinsic) and fails to load. Two steps around that:
 * the CLI's own post-build load test runs with `module-sync` switched off, and the missing
 * `module-sync` targets are then added to the zip.
 */
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const appDir = path.resolve(__dirname, '..');
const zipPath = path.join(appDir, 'build', 'build.zip');

function runCliBuild() {
  const env = { ...process.env, NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --no-experimental-require-module`.trim() };
  execFileSync(process.execPath, [path.join(__dirname, 'zapier-platform.cjs'), 'build', '--skip-dep-install', '--skip-validation'], {
    cwd: appDir,
    env,
    stdio: 'inherit',
  });
}

/** Every `module-sync` target named anywhere in a package's `exports`. */
function moduleSyncTargets(exportsField) {
  if (Array.isArray(exportsField)) return exportsField.flatMap(moduleSyncTargets);
  if (exportsField === null || typeof exportsField !== 'object') return [];
  return Object.entries(exportsField).flatMap(([key, value]) =>
    key === 'module-sync' && typeof value === 'string' ? [value] : moduleSyncTargets(value),
  );
}

/** Entry names of the zip, via Info-ZIP, which also writes it below (it keeps symlink entries). */
function zipEntries() {
  return new Set(execFileSync('unzip', ['-Z1', zipPath], { encoding: 'utf8' }).split('\n').filter(Boolean));
}

function missingModuleSyncFiles(names, zipRoot) {
  const missing = [];
  for (const name of names) {
    if (!/(^|\/)node_modules\/(@[^/]+\/)?[^/]+\/package\.json$/.test(name)) continue;
    const { exports: exportsField } = JSON.parse(fs.readFileSync(path.join(zipRoot, name), 'utf8'));
    for (const target of moduleSyncTargets(exportsField)) {
      const entryName = path.posix.normalize(path.posix.join(path.posix.dirname(name), target));
      if (!names.has(entryName) && fs.existsSync(path.join(zipRoot, entryName))) missing.push(entryName);
    }
  }
  return missing;
}

function addModuleSyncFiles() {
  const names = zipEntries();
  // In a workspace the CLI roots the zip at the workspace root and puts the app in a folder.
  const zipRoot = names.has(`${path.basename(appDir)}/package.json`) ? path.dirname(appDir) : appDir;
  const missing = missingModuleSyncFiles(names, zipRoot);
  if (missing.length > 0) execFileSync('zip', ['-q', zipPath, ...missing], { cwd: zipRoot, stdio: 'inherit' });
  console.log(`Added ${missing.length} module-sync file(s) the CLI missed: ${missing.join(', ') || 'none'}`);
}

runCliBuild();
addModuleSyncFiles();

#!/usr/bin/env node
/**
 * Bundles the compiled app (dist/index.js) with `@nebulahex/shared` and its zod into one ES module,
 * bundle/index.js, which package.json exports and Zapier loads. Only zapier-platform-core stays an
 * import, so the published app depends on nothing but packages from the public registry:
 * `zapier-platform build`/`push` can install its dependencies in a clean copy of this folder.
 * Run by `_zapier-build` (after `tsc -b`), i.e. by every zapier-platform build, push and validate.
 */
const esbuild = require('esbuild');
const path = require('node:path');

const appDir = path.resolve(__dirname, '..');

esbuild.buildSync({
  entryPoints: [path.join(appDir, 'dist', 'index.js')],
  outfile: path.join(appDir, 'bundle', 'index.js'),
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  // Zapier's runtime provides core's own dependencies through it; a second copy would split `z`.
  external: ['zapier-platform-core'],
  sourcemap: 'linked',
  logLevel: 'warning',
});
console.log('Bundled dist/index.js with @nebulahex/shared into bundle/index.js');

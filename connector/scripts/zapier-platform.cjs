#!/usr/bin/env node
/**
 * Runs the zapier-platform CLI (the connector's devDependency) with the given arguments.
 *
 * CLI 19 refuses to start on Node < 22 (an oclif `init` hook compares against the Node version of
 * Zapier's runtime), while this repository runs on Node 20. On Node 22+ this simply runs the CLI.
 * On older Node it runs the very same oclif commands with that one version-check hook removed;
 * the commands used here (`validate`, `build`) work unchanged on Node 20.
 */
const path = require('node:path');

const cliRoot = path.dirname(require.resolve('zapier-platform-cli/package.json'));
const argv = process.argv.slice(2);

async function main() {
  // The CLI's own copy of oclif, wherever npm placed it.
  const oclifPath = require.resolve('@oclif/core', { paths: [cliRoot] });
  const { Config, run, flush, handle } = require(oclifPath);
  const config = await Config.load({ root: cliRoot });
  const nodeMajor = Number(process.versions.node.split('.')[0]);
  if (nodeMajor < 22) {
    const cli = config.plugins.get(config.pjson.name);
    cli.hooks.init = cli.hooks.init.filter((hook) => !String(hook.target ?? hook).includes('checkValidNodeVersion'));
  }
  try {
    await run(argv, config);
    await flush();
  } catch (error) {
    await handle(error);
  }
}

main();

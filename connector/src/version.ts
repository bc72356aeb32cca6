import { readFileSync } from 'node:fs';

/** The connector's version (package.json): the app's `version` and its User-Agent. */
export const connectorVersion = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

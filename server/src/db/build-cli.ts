/** `npm run db:build`: builds the embedded FerretDB ahead of the first start or test run. */
import { ensureFerretDb, hasGo } from './ferretdb.js';

if (await hasGo()) {
  const binary = await ensureFerretDb((line) => console.log(line));
  console.log(`FerretDB ready: ${binary}`);
} else {
  console.log('Go is not installed: the embedded database will fall back to mongodb-memory-server.');
}

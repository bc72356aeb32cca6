/** `npm run db:build`: fetches and compiles the embedded database ahead of the first start or test run. */
import { EmbeddedDatabaseUnavailableError, ensureEmbeddedDatabase } from './java-server.js';

try {
  const dir = await ensureEmbeddedDatabase((line) => console.log(line));
  console.log(`Embedded database (mongo-java-server) ready: ${dir}`);
} catch (error) {
  if (!(error instanceof EmbeddedDatabaseUnavailableError)) throw error;
  console.error(error.message);
  process.exit(1);
}

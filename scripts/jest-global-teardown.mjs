export default async function globalTeardown() {
  await globalThis.__nebulahexDatabase?.stop();
}

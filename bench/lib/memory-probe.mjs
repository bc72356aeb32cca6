// Preloaded into the benchmarked server (node --import): writes process.memoryUsage() and
// V8's heap spaces to BENCH_MEMORY_FILE twice a second, so the benchmark reads where the
// server's memory is without touching the server's code. Unref'd: it never keeps the
// process alive.
import { renameSync, writeFileSync } from 'node:fs';
import { getHeapSpaceStatistics } from 'node:v8';

const file = process.env.BENCH_MEMORY_FILE;
if (file) {
  const spaces = () => Object.fromEntries(getHeapSpaceStatistics().map((space) => [space.space_name, { size: space.space_size, used: space.space_used_size }]));
  // Written beside and renamed: the benchmark never reads half a file.
  const write = () => {
    writeFileSync(`${file}.tmp`, JSON.stringify({ at: Date.now(), ...process.memoryUsage(), spaces: spaces() }));
    renameSync(`${file}.tmp`, file);
  };
  write();
  setInterval(write, 500).unref();
}

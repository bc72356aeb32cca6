// Preloaded into the benchmarked server (node --import): writes process.memoryUsage() to
// BENCH_MEMORY_FILE twice a second, so the benchmark reads heap figures without touching
// the server's code. Unref'd: it never keeps the process alive.
import { writeFileSync } from 'node:fs';

const file = process.env.BENCH_MEMORY_FILE;
if (file) {
  const write = () => writeFileSync(file, JSON.stringify({ at: Date.now(), ...process.memoryUsage() }));
  write();
  setInterval(write, 500).unref();
}

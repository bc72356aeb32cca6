import { setFlagsFromString } from 'node:v8';

/**
 * Bounds how far V8 lets the old generation grow past what is live before its next full
 * collection. Left to itself V8 picks a factor of up to 4× when collections look cheap, and
 * keeps the pages it grew: over a benchmark run the server's heap grew from 67 to 105–180 MB
 * with 40 MB live, which was most of its RSS growth. At `percent` the limit is
 * live × (1 + percent / 100): more frequent (concurrent) full collections, a heap that stays
 * near its live size. 0 leaves V8's own heuristic. V8 reads the flag at every collection, so
 * setting it at start-up, before the load, is enough.
 */
export function boundHeapGrowth(percent: number): void {
  if (percent > 0) setFlagsFromString(`--heap-growing-percent=${percent}`);
}

// Reads the server's V8 CPU profile (--cpu-prof) and answers where its samples went,
// grouped by npm package or by our own compiled file, so "what bounds it" is measured.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

function groupOf(url) {
  if (!url) return '(native / idle / GC)';
  const pkg = url.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/);
  if (pkg) return pkg[1];
  const own = url.match(/\/(server|shared)\/dist\/(.+)$/);
  if (own) return `${own[1]}/${own[2]}`;
  if (url.startsWith('node:')) return url;
  return url;
}

/** Share of the profile's samples per group, largest first (top `limit`). */
export async function summariseProfile(dir, limit = 12) {
  const files = (await readdir(dir)).filter((name) => name.endsWith('.cpuprofile'));
  if (files.length === 0) return [];
  const profile = JSON.parse(await readFile(join(dir, files[0]), 'utf8'));
  const hits = new Map();
  let total = 0;
  for (const node of profile.nodes) {
    const name = node.callFrame.functionName === '(idle)' ? '(idle)' : groupOf(node.callFrame.url);
    hits.set(name, (hits.get(name) ?? 0) + node.hitCount);
    total += node.hitCount;
  }
  return [...hits.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, limit)
    .map(([group, count]) => ({ group, percent: (100 * count) / total }));
}

// Counts the commands the embedded FerretDB served, from its Prometheus endpoint
// (/debug/metrics on its --debug-addr, a random port found with `ss`), so the benchmark can
// say how many database round trips one delivery costs. Answers null on a real MongoDB.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

async function listeningPorts(pid) {
  const { stdout } = await run('ss', ['-ltnpH']).catch(() => ({ stdout: '' }));
  return stdout
    .split('\n')
    .filter((line) => line.includes(`pid=${pid},`))
    .map((line) => Number(line.trim().split(/\s+/)[3]?.split(':').pop()));
}

/** A reader of FerretDB's per-command request counters, or null when they cannot be found. */
export async function ferretDbCounters(pid) {
  if (!pid) return null;
  for (const port of await listeningPorts(pid)) {
    const url = `http://127.0.0.1:${port}/debug/metrics`;
    const ok = await fetch(url).then((response) => response.ok, () => false);
    if (ok) return { read: () => readCounters(url) };
  }
  return null;
}

async function readCounters(url) {
  const text = await (await fetch(url)).text();
  const counts = {};
  for (const match of text.matchAll(/^ferretdb_client_requests_total\{command="([^"]+)"[^}]*\} (\d+)/gm)) {
    counts[match[1]] = (counts[match[1]] ?? 0) + Number(match[2]);
  }
  return counts;
}

/** Per-command difference between two readings, dropping zeroes. */
export function countersDelta(before, after) {
  return Object.fromEntries(Object.entries(after).map(([command, count]) => [command, count - (before[command] ?? 0)]).filter(([, count]) => count > 0));
}

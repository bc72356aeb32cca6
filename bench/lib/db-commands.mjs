// Counts the database commands the benchmarked server sent, from its own Prometheus
// endpoint (nebulahex_db_commands_total: the driver's command monitoring), so the benchmark
// can say how many round trips one delivery or one request costs, on any MongoDB.

async function scrape(server) {
  const response = await fetch(`${server.baseUrl}/metrics`, { headers: { authorization: `Bearer ${server.internalToken}` } });
  if (!response.ok) throw new Error(`GET /metrics answered ${response.status}`);
  return response.text();
}

/** A reader of the server's per-command counters, and of the documents the database read for queries. */
export function serverCommandCounters(server) {
  return {
    async read() {
      const counts = {};
      for (const match of (await scrape(server)).matchAll(/^nebulahex_db_commands_total\{command="([^"]+)"\} (\d+)/gm)) counts[match[1]] = Number(match[2]);
      return counts;
    },
    /** serverStatus's scannedObjects (null where the database does not report it). */
    async documentsScanned() {
      const match = (await scrape(server)).match(/^nebulahex_db_documents_scanned (\d+)/m);
      return match ? Number(match[1]) : null;
    },
  };
}

/** Per-command difference between two readings, dropping zeroes. */
export function countersDelta(before, after) {
  return Object.fromEntries(Object.entries(after).map(([command, count]) => [command, count - (before[command] ?? 0)]).filter(([, count]) => count > 0));
}

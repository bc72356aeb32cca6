// The server's delivery backlog, read from its own GET /metrics: a phase that must not
// measure earlier phases' leftover work waits for it first.

/** Waits (at most `timeoutMs`) until the server has no delivery due or sending; answers how long it waited and what is still open. */
export async function settledBacklog(server, timeoutMs) {
  const started = performance.now();
  for (;;) {
    const response = await fetch(`${server.baseUrl}/metrics`, { headers: { authorization: `Bearer ${server.internalToken}` } });
    const text = await response.text();
    const open = [...text.matchAll(/^nebulahex_delivery_backlog\{state="(?:due|sending)"\} (\d+)/gm)].reduce((sum, match) => sum + Number(match[1]), 0);
    const waitedSeconds = (performance.now() - started) / 1000;
    if (open === 0 || waitedSeconds * 1000 > timeoutMs) return { open, waitedSeconds };
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

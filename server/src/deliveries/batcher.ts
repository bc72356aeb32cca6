/**
 * Collects ids for `windowMs` and passes them on in one call per key: deliveries reach
 * workers as Agenda jobs (an API-only process's new deliveries, every retry), and every
 * job costs Agenda an insert, a lock, an update and a delete, so one job per burst and
 * key (a retry's due second) rather than one per delivery. Every caller of a
 * window waits for that window's call, so a caller's ids are stored (or its error seen)
 * when `add` resolves.
 */
export function createBatcher<K = string>(windowMs: number, flush: (ids: string[], key: K) => Promise<void>): { add(ids: string[], key: K): Promise<void> } {
  const pending = new Map<K, { ids: string[]; done: Promise<void> }>();
  return {
    add(ids, key) {
      if (ids.length === 0) return Promise.resolve();
      let batch = pending.get(key);
      if (!batch) {
        const created: { ids: string[]; done: Promise<void> } = { ids: [], done: Promise.resolve() };
        created.done = new Promise<void>((resolve) => setTimeout(resolve, windowMs)).then(() => {
          pending.delete(key);
          return flush(created.ids, key);
        });
        pending.set(key, created);
        batch = created;
      }
      batch.ids.push(...ids);
      return batch.done;
    },
  };
}

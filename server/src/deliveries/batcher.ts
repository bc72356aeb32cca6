/**
 * Collects items for `windowMs` and passes them on in one call per key: deliveries reach
 * workers as Agenda jobs (an API-only process's new deliveries, every retry), and every
 * job costs Agenda an insert, a lock, an update and a delete, so one job per burst and
 * key (a retry's due second) rather than one per delivery. Every caller of a
 * window waits for that window's call, so a caller's items are stored (or its error seen)
 * when `add` resolves.
 */
export function createBatcher<K = string, T = string>(windowMs: number, flush: (items: T[], key: K) => Promise<void>): { add(items: T[], key: K): Promise<void> } {
  const pending = new Map<K, { items: T[]; done: Promise<void> }>();
  return {
    add(items, key) {
      if (items.length === 0) return Promise.resolve();
      let batch = pending.get(key);
      if (!batch) {
        const created: { items: T[]; done: Promise<void> } = { items: [], done: Promise.resolve() };
        created.done = new Promise<void>((resolve) => setTimeout(resolve, windowMs)).then(() => {
          pending.delete(key);
          return flush(created.items, key);
        });
        pending.set(key, created);
        batch = created;
      }
      batch.items.push(...items);
      return batch.done;
    },
  };
}

/**
 * Collects ids for `windowMs` and passes them on in one call: an API-only process hands
 * each event's deliveries to the workers as an Agenda job, and on FerretDB every job
 * Agenda locks costs a scan of its whole collection, so one job per burst rather than
 * one per event. Every caller of a window waits for that window's call, so a caller's
 * ids are stored (or its error seen) when `add` resolves.
 */
export function createBatcher(windowMs: number, flush: (ids: string[]) => Promise<void>): { add(ids: string[]): Promise<void> } {
  let pending: { ids: string[]; done: Promise<void> } | null = null;
  return {
    add(ids) {
      if (ids.length === 0) return Promise.resolve();
      if (!pending) {
        const batch: { ids: string[]; done: Promise<void> } = { ids: [], done: Promise.resolve() };
        batch.done = new Promise<void>((resolve) => setTimeout(resolve, windowMs)).then(() => {
          pending = null;
          return flush(batch.ids);
        });
        pending = batch;
      }
      pending.ids.push(...ids);
      return pending.done;
    },
  };
}

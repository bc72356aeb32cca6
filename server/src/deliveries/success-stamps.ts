import type { Connection } from 'mongoose';
import type { Logger } from 'pino';
import { hookModel } from '../hooks/model.js';

export interface SuccessStamps {
  /** Notes a successful delivery of subscription `hookId` at `at`; resolves once any write it makes now is stored. */
  stamp(hookId: string, at: Date): Promise<void>;
}

/**
 * Keeps each subscription's `lastSuccessAt` with at most one write per subscription per
 * `intervalMs`: under load every delivery of one subscription would otherwise update the
 * same document, a write per delivery for a value read only by the pause decision. A subscription's first success
 * in a while is written at once; later ones within the interval are folded into one
 * write at its end, so the newest time is always stored within an interval. A crash
 * loses at most that interval's stamp, which only delays a pause decision by as much.
 */
export function createSuccessStamps(connection: Connection, logger: Logger, intervalMs = 1_000): SuccessStamps {
  const Hooks = hookModel(connection);
  /** Subscriptions written within the interval, with the newest success not yet written (if any). */
  const cooling = new Map<string, Date | null>();

  const write = (hookId: string, at: Date): Promise<void> =>
    Hooks.updateOne({ _id: hookId }, { $max: { lastSuccessAt: at } }).then(
      () => undefined,
      (err: unknown) => logger.warn({ err, hookId }, 'could not record a subscription\'s last success'),
    );

  const coolDown = (hookId: string): void => {
    cooling.set(hookId, null);
    setTimeout(() => {
      const at = cooling.get(hookId);
      cooling.delete(hookId);
      if (!at) return;
      coolDown(hookId);
      void write(hookId, at);
    }, intervalMs).unref();
  };

  return {
    async stamp(hookId, at) {
      if (cooling.has(hookId)) {
        const known = cooling.get(hookId);
        if (!known || known < at) cooling.set(hookId, at);
        return;
      }
      coolDown(hookId);
      await write(hookId, at);
    },
  };
}

import type { Connection } from 'mongoose';
import { rateLimitHeadModel, rateLimitTicketModel } from './model.js';

/**
 * What this process knows of one key's ticket chain. Tickets never change once taken,
 * so what was read once is kept; only tickets that may still matter are.
 */
export interface ChainView {
  key: string;
  /** The newest ticket known to exist, and its time. */
  head: number;
  headAt: number;
  /** Every ticket below this number has left the window, so it stays out for good. */
  floor: number;
  /** Times of tickets this process took or read, by number (from `floor` on). */
  times: Map<number, number>;
  /** The head this process last stored for other processes, and when. */
  storedHead: number;
  storedAt: number;
}

const isDuplicateKey = (error: unknown) => (error as { code?: number }).code === 11000;

/**
 * A key's tickets read and taken by `_id` alone (`<key>#<n>`): on FerretDB 1.x every
 * other filter scans the whole collection. Numbers are consecutive and the sweep removes
 * only the oldest ones, so the tickets present form one unbroken run up to the newest.
 */
export function createTicketChains(connection: Connection, { windowMs, storeEvery }: { windowMs: number; storeEvery: number }) {
  const Tickets = rateLimitTicketModel(connection);
  const Heads = rateLimitHeadModel(connection);
  const ticketId = (key: string, n: number) => `${key}#${n}`;
  let seenHeads = new Map<string, number>(); // the stored heads the previous sweep saw

  /** The time of ticket `n`, or null when it does not exist (not taken yet, or swept). */
  async function read(view: ChainView, n: number): Promise<number | null> {
    const ticket = await Tickets.findById(ticketId(view.key, n), { at: 1 }).lean();
    if (ticket) view.times.set(n, ticket.at);
    return ticket?.at ?? null;
  }

  const timeOf = async (view: ChainView, n: number) => view.times.get(n) ?? read(view, n);

  /** Moves the view's head forward from `from` (a ticket known to exist) to the newest ticket. */
  async function advance(view: ChainView, from: number): Promise<void> {
    const at = await timeOf(view, from);
    if (at === null) throw new Error(`rate-limit ticket ${ticketId(view.key, from)} vanished`);
    Object.assign(view, { head: from, headAt: at });
    let missing = 0;
    for (let step = 1; missing === 0; step *= 2) {
      const probe = view.head + step;
      const time = await read(view, probe);
      if (time === null) missing = probe;
      else Object.assign(view, { head: probe, headAt: time });
    }
    while (missing - view.head > 1) {
      const middle = Math.floor((view.head + missing) / 2);
      const time = await read(view, middle);
      if (time === null) missing = middle;
      else Object.assign(view, { head: middle, headAt: time });
    }
  }

  return {
    timeOf,
    advance,

    /** The time of ticket `n` as the database has it now (a refusal is decided on it). */
    fresh: read,

    /**
     * A view of a key this process has not seen lately, from its stored head. Without
     * one (a key last used before heads were stored), the newest ticket is looked up by
     * `key` once: a scan on FerretDB, but only then.
     */
    async locate(key: string, cutoff: number): Promise<ChainView> {
      const stored = await Heads.findById(key).lean();
      const view: ChainView = { key, head: stored?.n ?? 0, headAt: 0, floor: 1, times: new Map(), storedHead: stored?.n ?? 0, storedAt: 0 };
      const found = stored ? await Tickets.findById(ticketId(key, stored.n), { n: 1, at: 1 }).lean() : null;
      const start = found ?? (await Tickets.findOne({ key }, { n: 1, at: 1 }).sort({ n: -1 }).lean());
      if (start) {
        Object.assign(view, { head: start.n, headAt: start.at });
        view.times.set(start.n, start.at);
      }
      if (view.headAt <= cutoff) view.floor = view.head + 1;
      return view;
    },

    /** Takes ticket `n` at time `at`; false when another request took it first. */
    async take(view: ChainView, n: number, at: number): Promise<boolean> {
      try {
        await Tickets.create({ _id: ticketId(view.key, n), key: view.key, n, at, expiresAt: new Date(at + windowMs) });
      } catch (error) {
        if (isDuplicateKey(error)) return false;
        throw error;
      }
      Object.assign(view, { head: n, headAt: at });
      view.times.set(n, at);
      return true;
    },

    /** Stores the view's head for other processes every `storeEvery` tickets or half a window. */
    async storeHead(view: ChainView, now: number): Promise<void> {
      if (view.head - view.storedHead < storeEvery && now - view.storedAt < windowMs / 2) return;
      Object.assign(view, { storedHead: view.head, storedAt: now });
      // $max keeps a slower writer from moving it back on MongoDB; on FerretDB 1.x it may,
      // but only to a ticket just taken, which the sweep leaves alone.
      await Heads.updateOne({ _id: view.key }, { $max: { n: view.head } }, { upsert: true }).catch((error: unknown) => {
        if (!isDuplicateKey(error)) throw error; // two first stores of one key: either will do
      });
    },

    /**
     * Deletes tickets that left the window at least a window ago, except those from each
     * key's stored head on. The head used is the lower of now's and the one this sweep saw
     * on its previous run (nothing of a key is deleted on its first): a process that read
     * an older head a moment ago numbers on from there, and must find those tickets still
     * in place. Runs rarely: the queries scan on FerretDB. A key without a stored head
     * (used before heads existed) loses every expired ticket, as it always did.
     */
    async sweep(now: number): Promise<number> {
      const cutoff = new Date(now - windowMs);
      const expired = await Tickets.find({ expiresAt: { $lt: cutoff } }, { key: 1, n: 1 }).lean();
      if (expired.length === 0) return 0;
      const heads = await Heads.find({ _id: { $in: [...new Set(expired.map((ticket) => ticket.key))] } }).lean();
      const previous = seenHeads;
      seenHeads = new Map(heads.map((head) => [head._id, head.n]));
      const keepFrom = (key: string) => {
        const current = seenHeads.get(key);
        return current === undefined ? Infinity : Math.min(current, previous.get(key) ?? -Infinity);
      };
      const kept = expired.filter((ticket) => ticket.n >= keepFrom(ticket.key)).map((ticket) => ticket._id);
      if (kept.length === expired.length) return 0;
      return (await Tickets.deleteMany({ expiresAt: { $lt: cutoff }, _id: { $nin: kept } })).deletedCount;
    },
  };
}

export type TicketChains = ReturnType<typeof createTicketChains>;

import { Schema, type Connection, type Model } from 'mongoose';
import { defineModel } from './model.js';

/**
 * Mutual exclusion that holds on FerretDB 1.x as well as MongoDB.
 *
 * FerretDB 1.x (SQLite) runs update and findAndModify as a read followed by a separate
 * write, so conditional updates are not atomic: two callers of the same
 * `findOneAndUpdate({locked: false}, {$set: {locked: true}})` can both win, and
 * concurrent `$inc`s lose updates. An insert under a unique `_id` is atomic on both, so
 * a lease is a chain of inserted generations: `<resource>#1`, `<resource>#2`, … Taking a
 * lease inserts the next generation, which exactly one contender can do; a lease that
 * expired (its holder died) is taken over by inserting the generation after it.
 */
interface LeaseDoc {
  _id: string;
  resource: string;
  generation: number;
  owner: string;
  expiresAt: Date;
  /** The work is finished for good: the resource is never leased again. */
  done: boolean;
  createdAt: Date;
}

const LeaseSchema = new Schema<LeaseDoc>(
  {
    _id: String,
    resource: { type: String, required: true },
    generation: { type: Number, required: true },
    owner: { type: String, required: true },
    expiresAt: { type: Date, required: true },
    done: { type: Boolean, default: false },
    createdAt: { type: Date, required: true },
  },
  { versionKey: false, collection: 'leases' },
);
LeaseSchema.index({ resource: 1, generation: -1 });
LeaseSchema.index({ createdAt: 1 });

const leaseModel = defineModel('Lease', LeaseSchema);

export interface Lease {
  resource: string;
  generation: number;
  owner: string;
}

const DUPLICATE_KEY = 11000;

/** The newest generation this process has seen of each resource, per connection: probes start there. */
const knownGenerations = new WeakMap<Connection, Map<string, number>>();
const MAX_KNOWN_RESOURCES = 10_000;

function generationsOf(connection: Connection): Map<string, number> {
  let known = knownGenerations.get(connection);
  if (!known) knownGenerations.set(connection, (known = new Map()));
  return known;
}

function remember(known: Map<string, number>, resource: string, generation: number): void {
  known.delete(resource); // re-inserted last: the map's order is least recently used first
  known.set(resource, generation);
  if (known.size > MAX_KNOWN_RESOURCES) known.delete(known.keys().next().value as string);
}

/**
 * Takes the lease on `resource` for `ttlMs`, or answers null when someone holds it, or
 * the work behind it is done. Exactly one of any number of concurrent callers wins.
 * A resource this process has not seen is most often new (a delivery attempt), so its
 * first generation is inserted straight away; the chain is read only when that fails.
 */
export async function acquireLease(connection: Connection, resource: string, owner: string, ttlMs: number): Promise<Lease | null> {
  const Leases = leaseModel(connection);
  const known = generationsOf(connection);
  const hint = known.get(resource);
  if (hint === undefined) {
    const taken = await insertGeneration(Leases, resource, 1, owner, ttlMs);
    if (taken) {
      remember(known, resource, 1);
      return taken;
    }
  }
  const latest = await latestGeneration(Leases, resource, hint ?? 1);
  if (latest) remember(known, resource, latest.generation);
  if (latest && (latest.done || latest.expiresAt.getTime() > Date.now())) return null;
  const taken = await insertGeneration(Leases, resource, (latest?.generation ?? 0) + 1, owner, ttlMs);
  if (taken) remember(known, resource, taken.generation);
  return taken;
}

/** Inserts generation `generation` of `resource`; null when another caller inserted it first. */
async function insertGeneration(Leases: Model<LeaseDoc>, resource: string, generation: number, owner: string, ttlMs: number): Promise<Lease | null> {
  const now = Date.now();
  try {
    await Leases.create({
      _id: `${resource}#${generation}`,
      resource,
      generation,
      owner,
      expiresAt: new Date(now + ttlMs),
      createdAt: new Date(now),
    });
    return { resource, generation, owner };
  } catch (error) {
    if ((error as { code?: number }).code === DUPLICATE_KEY) return null;
    throw error;
  }
}

/**
 * The newest generation, found by `_id` alone: FerretDB 1.x uses no secondary index, so
 * a query on `resource` would scan every lease ever taken. Generations are consecutive;
 * the probe starts at the newest one this process knows, and from 1 if that one is gone
 * (retention pruned it, or it belongs to another database).
 */
async function latestGeneration(Leases: Model<LeaseDoc>, resource: string, from: number): Promise<LeaseDoc | null> {
  let latest: LeaseDoc | null = null;
  for (let generation = from; ; generation += 1) {
    const found = await Leases.findById(`${resource}#${generation}`).lean<LeaseDoc>();
    if (!found) break;
    latest = found;
  }
  return latest || from === 1 ? latest : latestGeneration(Leases, resource, 1);
}

/**
 * Extends a lease its holder is still working under. Answers false once another
 * process has taken the resource over (the lease had run out), so the holder knows its
 * result must not be recorded as the only one.
 */
export async function renewLease(connection: Connection, lease: Lease, ttlMs: number): Promise<boolean> {
  const Leases = leaseModel(connection);
  await Leases.updateOne({ _id: `${lease.resource}#${lease.generation}`, done: false }, { $set: { expiresAt: new Date(Date.now() + ttlMs) } });
  return !(await Leases.exists({ _id: `${lease.resource}#${lease.generation + 1}` }));
}

/** Ends a lease: `done` marks the work finished for good; otherwise the resource may be leased again at once. */
export async function releaseLease(connection: Connection, lease: Lease, { done }: { done: boolean }): Promise<void> {
  await leaseModel(connection).updateOne(
    { _id: `${lease.resource}#${lease.generation}` },
    { $set: { done, expiresAt: new Date() } },
  );
}

/** Forgets leases created before `before` (retention). */
export async function pruneLeases(connection: Connection, before: Date): Promise<number> {
  const result = await leaseModel(connection).deleteMany({ createdAt: { $lt: before } });
  return result.deletedCount;
}

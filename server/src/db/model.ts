import { ObjectId } from 'mongodb';
import type { Connection, Model, Schema } from 'mongoose';

/**
 * Binds a schema to a connection once and returns the model: services receive the
 * connection, never a process-wide model.
 */
export function defineModel<T>(name: string, schema: Schema<T>): (connection: Connection) => Model<T> {
  return (connection) => (connection.models[name] as Model<T> | undefined) ?? connection.model<T>(name, schema);
}

/** A prefixed id that sorts by creation time (`bot_65f1…`), so lists can page by `_id`. */
export function newId(prefix: string): string {
  return `${prefix}_${new ObjectId().toHexString()}`;
}

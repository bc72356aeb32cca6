import type { Connection } from 'mongoose';

/** One value per database connection, made on first use: two app instances in one process (as in tests) stay apart. */
export interface PerConnection<T> {
  of(connection: Connection, create: () => T): T;
  /** The value if one was made, without making one. */
  peek(connection: Connection): T | undefined;
}

export function perConnection<T>(): PerConnection<T> {
  const made = new WeakMap<Connection, T>();
  return {
    of(connection, create) {
      let value = made.get(connection);
      if (value === undefined) made.set(connection, (value = create()));
      return value;
    },
    peek: (connection) => made.get(connection),
  };
}

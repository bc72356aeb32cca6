/** MongoDB's duplicate-key error: a unique index decided that another writer's document came first. */
export const DUPLICATE_KEY = 11000;

export const isDuplicateKey = (error: unknown): boolean => (error as { code?: number } | null)?.code === DUPLICATE_KEY;

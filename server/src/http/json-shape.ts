import { ForbiddenJsonKeyError, JsonTooDeepError } from './errors.js';

interface Node {
  value: object;
  depth: number;
  parent: Node | null;
  key: string;
}

/** Where `key` of `node` is, as `data.items[2].name`: built only when an error needs it. */
function pathOf(node: Node, key: string): string {
  const segment = (container: Node, name: string) => (Array.isArray(container.value) ? `[${name}]` : `.${name}`);
  const segments = [segment(node, key)];
  for (let at = node; at.parent; at = at.parent) segments.push(segment(at.parent, at.key));
  return segments.reverse().join('').replace(/^\./, '');
}

/**
 * Walks a parsed JSON value without recursion (so any depth is safe to check) and refuses
 * objects and arrays nested deeper than `maxDepth` (`{}` is depth 1) and any `__proto__`
 * key, which some code paths would treat as the object's prototype.
 * @throws JsonTooDeepError | ForbiddenJsonKeyError
 */
export function checkJsonShape(root: unknown, maxDepth: number): void {
  if (root === null || typeof root !== 'object') return;
  const pending: Node[] = [{ value: root, depth: 1, parent: null, key: '' }];
  for (let node = pending.pop(); node; node = pending.pop()) {
    if (node.depth > maxDepth) throw new JsonTooDeepError(maxDepth);
    const isArray = Array.isArray(node.value);
    for (const [key, child] of Object.entries(node.value)) {
      if (!isArray && key === '__proto__') throw new ForbiddenJsonKeyError(pathOf(node, key));
      if (child !== null && typeof child === 'object') pending.push({ value: child as object, depth: node.depth + 1, parent: node, key });
    }
  }
}

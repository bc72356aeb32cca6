import { createHash } from 'node:crypto';

/**
 * JSON with object keys sorted, so `{a,b}` and `{b,a}` are the same request. Written with
 * an explicit stack, not recursion, so no nesting depth can overflow the call stack.
 */
export function canonicalJson(value: unknown): string {
  const out: string[] = [];
  // Each entry is either text to emit as-is or a value still to serialise; popped in order.
  const pending: Array<{ text: string } | { value: unknown }> = [{ value }];
  for (let item = pending.pop(); item; item = pending.pop()) {
    if ('text' in item) {
      out.push(item.text);
      continue;
    }
    const current = item.value;
    if (current === null || typeof current !== 'object') {
      out.push(JSON.stringify(current) ?? 'null');
      continue;
    }
    const isArray = Array.isArray(current);
    const keys = isArray ? current.map((_, index) => index) : Object.keys(current).sort();
    const parts: Array<{ text: string } | { value: unknown }> = [{ text: isArray ? '[' : '{' }];
    keys.forEach((key, index) => {
      if (index > 0) parts.push({ text: ',' });
      if (!isArray) parts.push({ text: `${JSON.stringify(key)}:` });
      parts.push({ value: (current as Record<string | number, unknown>)[key] });
    });
    parts.push({ text: isArray ? ']' : '}' });
    for (let index = parts.length - 1; index >= 0; index -= 1) pending.push(parts[index]!);
  }
  return out.join('');
}

export const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

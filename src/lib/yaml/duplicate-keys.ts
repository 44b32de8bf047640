/**
 * Duplicate keys, found in one pass. The yaml library's own check (`uniqueKeys`) compares
 * each new key with every key before it in the mapping, so a mapping of 40,000 keys (a
 * buildspec's `env.variables`) took the server's event loop for half a minute; here each
 * mapping keeps a Set of the keys it has seen. Two keys are the same when they are the same
 * node or scalars of the same value, as the library decides.
 */
import { isMap, isPair, isScalar, isSeq, YAMLParseError, type Document, type Node } from 'yaml';

/** One DUPLICATE_KEY error per repeated key, at the repeated key, in document order. */
export function duplicateKeyErrors(doc: Document): YAMLParseError[] {
  const errors: YAMLParseError[] = [];
  // Iterative: nesting is bounded by the parser (limits.ts), but a stack costs nothing.
  const stack: unknown[] = [doc.contents];
  while (stack.length > 0) {
    const node = stack.pop();
    if (isMap(node)) {
      const seen = new Set<unknown>();
      for (const pair of node.items) {
        const key = pair.key as Node | null;
        const identity: unknown = isScalar(key) ? key.value : key;
        if (seen.has(identity)) {
          const at = key?.range?.[0] ?? node.range?.[0] ?? 0;
          errors.push(new YAMLParseError([at, at + 1], 'DUPLICATE_KEY', 'Map keys must be unique'));
        } else seen.add(identity);
        stack.push(pair.key, pair.value);
      }
    } else if (isSeq(node)) {
      for (const item of node.items) stack.push(isPair(item) ? item.value : item);
    } else if (isPair(node)) {
      stack.push(node.key, node.value);
    }
    // Aliases are not followed: they repeat a node already visited where it was written.
  }
  return errors.sort((a, b) => a.pos[0] - b.pos[0]);
}

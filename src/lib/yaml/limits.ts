/**
 * Bounds on what a YAML file may make the parser and its readers do. A definition is a few
 * levels deep and repeats little, so the limits sit far above real files and far below
 * what exhausts the stack (deep nesting) or memory and time ("billion laughs": aliases of
 * aliases, each repeating its anchor's whole content).
 *
 * Nesting is measured on the parser's token tree (CST) before the document is built, since
 * building it is what recurses; aliases are measured on the built document, before anything
 * expands them.
 */
import { isAlias, isMap, isPair, isScalar, isSeq, type CST, type Document, type Node } from 'yaml';

/** How many collections (mappings and lists) may sit inside one another. */
export const MAX_NESTING = 100;
/** How many aliases (`*name`) a file may hold: resolving each one scans the anchors before it. */
export const MAX_ALIASES = 1_000;
/** How many values (mappings, lists, scalars) the aliases of a file may stand for once expanded. */
export const MAX_ALIAS_VALUES = 100_000;

/** The offset of the first collection nested deeper than MAX_NESTING, or undefined. */
export function tooDeepOffset(tokens: readonly CST.Token[]): number | undefined {
  // Iterative: the tree may be thousands of levels deep.
  const stack: Array<{ token: CST.Token | null | undefined; depth: number }> = tokens.map((token) => ({ token, depth: 0 }));
  while (stack.length > 0) {
    const { token, depth } = stack.pop()!;
    if (!token) continue;
    switch (token.type) {
      case 'document':
        stack.push({ token: token.value, depth });
        break;
      case 'block-map':
      case 'block-seq':
      case 'flow-collection': {
        if (depth + 1 > MAX_NESTING) return token.offset;
        for (const item of token.items) {
          if ('key' in item) stack.push({ token: item.key, depth: depth + 1 });
          stack.push({ token: item.value, depth: depth + 1 });
        }
        break;
      }
      default:
        break;
    }
  }
  return undefined;
}

export type AliasExcess = { kind: 'aliases'; alias: Node } | { kind: 'values'; alias: Node; values: number } | { kind: 'nesting'; alias: Node; depth: number };

interface Measure {
  /** Values once every alias inside is expanded. */
  values: number;
  /** Nesting once every alias inside is expanded (a scalar is 0, a flat list 1). */
  depth: number;
}

/**
 * The first alias, in document order, at which the aliases of `doc` exceed a limit: one
 * alias too many, more expanded values than MAX_ALIAS_VALUES, or expanded nesting deeper
 * than MAX_NESTING. Anchors are measured once, so this is linear in the written document.
 */
export function aliasExcess(doc: Document): AliasExcess | undefined {
  const anchors = new Map<string, Node>();
  const measured = new Map<Node, Measure>();
  const open = new Set<Node>();
  let aliases = 0;
  let added = 0;
  let excess: AliasExcess | undefined;

  const measure = (node: unknown, depth: number): Measure => {
    if (excess || node === null || node === undefined) return { values: 0, depth: 0 };
    if (isAlias(node)) {
      aliases += 1;
      if (aliases > MAX_ALIASES) {
        excess = { kind: 'aliases', alias: node };
        return { values: 0, depth: 0 };
      }
      const target = anchors.get(node.source);
      // An alias of its own ancestor stays a reference when read; an unknown anchor is a syntax error.
      const found = target === undefined || open.has(target) ? undefined : measured.get(target);
      if (!found) return { values: 1, depth: 0 };
      added += found.values;
      if (added > MAX_ALIAS_VALUES) excess = { kind: 'values', alias: node, values: added };
      else if (depth + found.depth > MAX_NESTING) excess = { kind: 'nesting', alias: node, depth: depth + found.depth };
      return found;
    }
    const anchored = node as Node;
    if (anchored.anchor) anchors.set(anchored.anchor, anchored);
    let result: Measure = { values: 1, depth: 0 };
    if (isMap(node) || isSeq(node)) {
      open.add(node);
      let values = 1;
      let deepest = 0;
      for (const item of node.items) {
        const parts = isPair(item) ? [item.key, item.value] : [item];
        for (const part of parts) {
          const inner = measure(part, depth + 1);
          values += inner.values;
          deepest = Math.max(deepest, inner.depth);
        }
      }
      open.delete(node);
      result = { values, depth: deepest + 1 };
    } else if (!isScalar(node)) {
      result = { values: 0, depth: 0 };
    }
    if (anchored.anchor) measured.set(anchored, result);
    return result;
  };

  measure(doc.contents, 0);
  return excess;
}

/** Small readers over the yaml AST, for code that needs node positions (the template resolver). */
import { isMap, isScalar, type Node, type YAMLMap } from 'yaml';

export interface MapEntry {
  key: string;
  keyNode: Node;
  value: Node | null;
}

export function mapEntries(map: YAMLMap): MapEntry[] {
  return map.items.map((pair) => {
    const keyNode = pair.key as Node;
    const key = isScalar(keyNode) ? String(keyNode.value) : String(keyNode);
    return { key, keyNode, value: (pair.value as Node | null) ?? null };
  });
}

export function mapGet(node: Node | null | undefined, key: string): Node | null | undefined {
  if (!isMap(node)) return undefined;
  return mapEntries(node).find((entry) => entry.key === key)?.value;
}

/** The string of an untagged scalar (numbers are written as numbers in YAML, so they count too). */
export function plainString(node: Node | null | undefined): string | undefined {
  if (!isScalar(node) || (node.tag !== undefined && node.tag.startsWith('!'))) return undefined;
  const { value } = node;
  return typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;
}

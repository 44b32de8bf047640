/**
 * Writing converted definitions as YAML people read: a comment block on top, comments
 * before the keys they explain, short lists and small mappings in flow style
 * (`inputs: [src]`, `{ timezone: UTC }`), long lines never folded.
 */
import { Document, isMap, isPair, isScalar, isSeq, visit, type Node, type Pair } from 'yaml';

export interface KeyComment {
  /** The path of the key the comment goes before, e.g. ['stages', 2, 'actions', 0]. */
  path: Array<string | number>;
  text: string;
}

export interface RenderOptions {
  header?: string;
  comments?: readonly KeyComment[];
  /** Custom tags (the CloudFormation short forms) for documents holding tagged nodes. */
  doc?: Document;
}

const FLOW_LIMIT = 72;

export function renderYaml(data: unknown, options: RenderOptions = {}): string {
  const doc = options.doc ?? new Document(data);
  if (options.header) doc.commentBefore = options.header;
  visit(doc, {
    Seq(_key, node) {
      if (node.items.every((item) => isScalar(item)) && size(node) <= FLOW_LIMIT) node.flow = true;
    },
    Map(_key, node) {
      if (node.items.length > 0 && size(node) <= FLOW_LIMIT && node.items.every((pair) => isPair(pair) && small(pair.value as Node | null, 2)))
        node.flow = true;
    },
  });
  for (const comment of options.comments ?? []) {
    const target = keyNode(doc, comment.path);
    if (target) target.commentBefore = target.commentBefore ? `${target.commentBefore}\n${comment.text}` : comment.text;
  }
  return doc.toString({ lineWidth: 0 });
}

/** The node a comment about `path` belongs before: the key of a mapping entry, or a list item. */
function keyNode(doc: Document, path: Array<string | number>): Node | undefined {
  if (path.length === 0) return undefined;
  const parent = path.length === 1 ? doc.contents : (doc.getIn(path.slice(0, -1), true) as Node | undefined);
  const last = path[path.length - 1]!;
  if (isMap(parent)) {
    const pair = parent.items.find((item: Pair) => isScalar(item.key) && item.key.value === last);
    return pair && isScalar(pair.key) ? pair.key : undefined;
  }
  if (isSeq(parent) && typeof last === 'number') return parent.items[last] as Node | undefined;
  return undefined;
}

/** A scalar on one line, or a list or mapping of those, nested at most `depth` deep. */
function small(node: Node | null, depth: number): boolean {
  if (node === null) return true;
  if (isScalar(node)) return !String(node.value).includes('\n');
  if (depth === 0) return false;
  if (isSeq(node)) return node.items.every((item) => small(item as Node | null, depth - 1));
  if (isMap(node)) return node.items.every((pair) => small(pair.value as Node | null, depth - 1));
  return false;
}

function size(node: Node): number {
  return JSON.stringify(node.toJSON()).length;
}

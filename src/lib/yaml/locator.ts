/**
 * Maps a JSON path (`['Resources', 'Pipeline', 'Properties', 'Stages', 0]`) to where that
 * node was written. Compilers work on plain data and ask the Locator for positions, so
 * every problem points at the exact key or value; a path that does not exist (a missing
 * key) falls back to its nearest existing ancestor.
 */
import { isAlias, isMap, isScalar, isSeq, type Document, type LineCounter, type Node } from 'yaml';
import type { SourceLocation } from '../../domain/pipeline.js';

export type PathSegment = string | number;
export type Path = readonly PathSegment[];

interface Entry {
  value: SourceLocation;
  key?: SourceLocation;
}

export class Locator {
  readonly file: string;
  readonly text: string;
  private readonly lineCounter: LineCounter;
  private readonly entries = new Map<string, Entry>();

  constructor(file: string, text: string, lineCounter: LineCounter, doc?: Document) {
    this.file = file;
    this.text = text;
    this.lineCounter = lineCounter;
    const root = doc?.contents;
    this.entries.set(pathKey([]), { value: root ? this.ofNode(root) : this.start() });
    if (root) this.index(root, []);
  }

  /** Where the value at `path` starts, or its nearest existing ancestor. */
  at(path: Path): SourceLocation {
    return this.nearest(path).value;
  }

  /** Where the key of `path` is written (for unknown or misplaced keys). */
  keyAt(path: Path): SourceLocation {
    const entry = this.entries.get(pathKey(path));
    return entry?.key ?? this.nearest(path).value;
  }

  has(path: Path): boolean {
    return this.entries.has(pathKey(path));
  }

  /** Where a node starts; for a tagged node (`!Ref X`) that is its tag, which the parser leaves out of the range. */
  ofNode(node: Node): SourceLocation {
    const start = node.range?.[0] ?? 0;
    const tag = node.tag;
    if (tag !== undefined && tag.startsWith('!')) {
      const at = this.text.lastIndexOf(tag, start);
      if (at >= 0 && this.text.slice(at + tag.length, start).trim() === '') return this.ofOffset(at);
    }
    return this.ofOffset(start);
  }

  ofOffset(offset: number): SourceLocation {
    const { line, col } = this.lineCounter.linePos(offset);
    return { file: this.file, line: Math.max(line, 1), col: Math.max(col, 1) };
  }

  start(): SourceLocation {
    return { file: this.file, line: 1, col: 1 };
  }

  private nearest(path: Path): Entry {
    for (let length = path.length; length >= 0; length--) {
      const entry = this.entries.get(pathKey(path.slice(0, length)));
      if (entry) return entry;
    }
    return { value: this.start() };
  }

  // Aliases are not followed: an alias can point at one of its own ancestors.
  private index(node: Node, path: PathSegment[]): void {
    if (isMap(node)) {
      for (const pair of node.items) {
        const keyNode = pair.key as Node | null;
        const name = isScalar(keyNode) ? String(keyNode.value) : String(keyNode);
        const childPath = [...path, name];
        const key = keyNode ? this.ofNode(keyNode) : this.ofNode(node);
        const valueNode = pair.value as Node | null;
        const value = valueNode?.range ? this.ofNode(valueNode) : key;
        this.entries.set(pathKey(childPath), { value, key });
        if (valueNode && !isAlias(valueNode)) this.index(valueNode, childPath);
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, i) => {
        const child = item as Node | null;
        const childPath = [...path, i];
        const value = child?.range ? this.ofNode(child) : this.ofNode(node);
        this.entries.set(pathKey(childPath), { value });
        if (child && !isAlias(child)) this.index(child, childPath);
      });
    }
  }
}

export function pathKey(path: Path): string {
  return JSON.stringify(path);
}

/**
 * Names that `Ref` (short or long form) and `Fn::Sub` variables point at, in document
 * order. Used before resolution to find names referenced but declared nowhere: the
 * likely lost parameter names (see parameters.ts).
 */
import { isMap, isScalar, isSeq, type Node } from 'yaml';
import { mapEntries } from '../yaml/nodes.js';
import { subVariables } from './sub.js';

export function referencedNames(root: Node | null | undefined): string[] {
  const names: string[] = [];
  const visit = (node: Node | null | undefined): void => {
    if (!node) return;
    if (isScalar(node)) {
      if (node.tag === '!Ref' && typeof node.value === 'string') names.push(node.value);
      if (node.tag === '!Sub' && typeof node.value === 'string') names.push(...subNames(node.value));
      return;
    }
    if (isSeq(node)) {
      if (node.tag === '!Sub') visitSub(node.items[0] as Node | undefined, node.items[1] as Node | undefined);
      else node.items.forEach((item) => visit(item as Node | null));
      return;
    }
    if (isMap(node)) {
      for (const { key, value } of mapEntries(node)) {
        if (key === 'Ref' && isScalar(value) && typeof value.value === 'string') names.push(value.value);
        else if (key === 'Fn::Sub' && isScalar(value) && typeof value.value === 'string') names.push(...subNames(value.value));
        else if (key === 'Fn::Sub' && isSeq(value)) visitSub(value.items[0] as Node | undefined, value.items[1] as Node | undefined);
        else visit(value);
      }
    }
  };
  const visitSub = (text: Node | undefined, variables: Node | undefined): void => {
    const local = isMap(variables) ? new Set(mapEntries(variables).map((entry) => entry.key)) : new Set<string>();
    if (isScalar(text) && typeof text.value === 'string') names.push(...subNames(text.value).filter((name) => !local.has(name)));
    visit(variables);
  };
  visit(root);
  return [...new Set(names)];
}

function subNames(text: string): string[] {
  return subVariables(text).map((name) => name.split('.')[0]!);
}

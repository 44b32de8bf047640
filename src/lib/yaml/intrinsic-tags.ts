/**
 * CloudFormation's short-form intrinsic functions as YAML tags. The tags only make the
 * parser accept `!Ref X` and keep the tag on the node; the meaning is given later by the
 * resolver, which reads the tagged nodes with their positions.
 */
import type { CollectionTag, ScalarTag } from 'yaml';

/** Short tag -> long form key, e.g. `!GetAtt` -> `Fn::GetAtt`. */
export const SHORT_FORMS: ReadonlyMap<string, string> = new Map(
  [
    'Ref',
    'GetAtt',
    'ImportValue',
    'Sub',
    'Join',
    'Select',
    'Split',
    'FindInMap',
    'Base64',
    'GetAZs',
    'If',
    'Equals',
    'And',
    'Or',
    'Not',
    'Condition',
    'Cidr',
    'Transform',
    'Length',
    'ToJsonString',
  ].map((name) => [`!${name}`, name === 'Ref' || name === 'Condition' ? name : `Fn::${name}`]),
);

/** Every short form may be written on a scalar, a sequence or a mapping; the resolver checks the shape. */
export const intrinsicTags: Array<ScalarTag | CollectionTag> = [...SHORT_FORMS.keys()].flatMap((tag) => [
  { tag, resolve: (source: string) => source } satisfies ScalarTag,
  { tag, collection: 'seq', resolve: (value) => value } satisfies CollectionTag,
  { tag, collection: 'map', resolve: (value) => value } satisfies CollectionTag,
]);

/** The long-form name of a key like `Ref` or `Fn::Sub`, or undefined when the key is not a function. */
export function longFormName(key: string): string | undefined {
  return key === 'Ref' || key.startsWith('Fn::') ? key : undefined;
}

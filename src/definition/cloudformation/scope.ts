/** What intrinsic functions can see: the template's declarations and Meridian's stand-ins for AWS. */
import type { Node, YAMLMap } from 'yaml';
import type { SourceLocation } from '../../domain/pipeline.js';
import type { Locator } from '../../lib/yaml/locator.js';
import type { MapEntry } from '../yaml/nodes.js';
import type { ParameterDeclaration } from './parameters.js';

export interface ResourceInfo {
  id: string;
  type: string;
  node: YAMLMap;
  /** The entries of `Properties` (empty when there are none). */
  properties: MapEntry[];
  location: SourceLocation;
}

export interface ResolveScope {
  locator: Locator;
  parameters: ReadonlyMap<string, ParameterDeclaration>;
  resources: ReadonlyMap<string, ResourceInfo>;
  mappings: Node | null | undefined;
  /** `!ImportValue` values, as set with `meridian exports set`. */
  exports: Readonly<Record<string, string>>;
  /** `warn`: an export not set is a warning and stands for its own name, so the rest is still checked. */
  missingExports?: 'refuse' | 'warn';
  homeRegion: string;
  stackName: string;
  /** A better hint for a `Ref` to an undeclared name (the lost-parameter-name case). */
  unresolvedHint?: (name: string) => string | undefined;
}

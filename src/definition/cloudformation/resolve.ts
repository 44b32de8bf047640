/**
 * Evaluates CloudFormation intrinsic functions, short (`!Ref X`) and long (`{Ref: X}`)
 * forms, over the yaml AST so every problem has the position of the function that failed.
 *
 * What things resolve to (the template is never deployed, so there is no real stack):
 * - a parameter -> `#{parameters.NAME}`, read when an execution starts (SSM parameters
 *   from the parameter store, plain ones from their Default);
 * - a resource -> its name (`Name`, or `<Type>Name` like `BucketName`, else the logical id);
 * - `AWS::Region` -> the pipeline's home region, `AWS::AccountId` -> `000000000000`;
 * - `!ImportValue X` -> `exports[X]` (`meridian exports set X VALUE`); for `meridian validate`, an
 *   export not set is a warning and stands for its own name;
 * - `!GetAtt Pipeline.Version` -> `1`, `!GetAtt Project.Arn` -> a local ARN.
 * Conditions (`!If`, `!Equals`...) and `!GetAZs` are refused: there is nothing to evaluate them against.
 */
import { isAlias, isMap, isScalar, isSeq, type Node } from 'yaml';
import type { Problem } from '../../domain/errors.js';
import type { SourceLocation } from '../../domain/pipeline.js';
import { problem } from '../../lib/problems.js';
import { didYouMean } from '../../lib/suggest.js';
import { NO_VALUE, UNRESOLVED, type Value } from '../values.js';
import { mapEntries } from '../yaml/nodes.js';
import { callIntrinsic, type IntrinsicHost } from './intrinsics.js';
import { longFormName, SHORT_FORMS } from '../../lib/yaml/intrinsic-tags.js';
import type { ResolveScope } from './scope.js';

export type Resolved = Value | typeof NO_VALUE;

export const ACCOUNT_ID = '000000000000';

export class Resolver implements IntrinsicHost {
  readonly problems: Problem[] = [];
  readonly warnings: Problem[] = [];
  readonly usedParameters = new Set<string>();
  private lenientDepth = 0;
  private readonly naming = new Set<string>();

  constructor(readonly scope: ResolveScope) {}

  /** Resolves a node; failures are reported and become UNRESOLVED. */
  value(node: Node | null | undefined): Resolved {
    return this.node(node, false);
  }

  /** Resolves what it can and keeps other functions in their long form, reporting nothing. */
  lenient(node: Node | null | undefined): Resolved {
    this.lenientDepth++;
    try {
      return this.node(node, false);
    } finally {
      this.lenientDepth--;
    }
  }

  /** Resolves a node whose tag has already been read (the argument of a short form). */
  content(node: Node | null | undefined): Resolved {
    return this.node(node, true);
  }

  at(node: Node | null | undefined): SourceLocation {
    return node ? this.scope.locator.ofNode(node) : this.scope.locator.start();
  }

  report(location: SourceLocation, message: string, hint?: string): typeof UNRESOLVED {
    this.problems.push(problem(location, message, hint));
    return UNRESOLVED;
  }

  warn(location: SourceLocation, message: string, hint?: string): void {
    this.warnings.push(problem(location, message, hint));
  }

  /** `Ref NAME`, shared by `Ref` and `Fn::Sub`. */
  ref(name: string, location: SourceLocation, shown: string): Resolved {
    const pseudo = this.pseudo(name);
    if (pseudo !== undefined) return pseudo;
    if (this.scope.parameters.has(name)) {
      this.usedParameters.add(name);
      return `#{parameters.${name}}`;
    }
    if (this.scope.resources.has(name)) return this.resourceName(name, location);
    const candidates = [...this.scope.parameters.keys(), ...this.scope.resources.keys()];
    const hint =
      this.scope.unresolvedHint?.(name) ??
      didYouMean(name, candidates) ??
      'declare it under `Parameters` (with a Type), or refer to the logical id of a resource';
    return this.report(location, `${shown} refers to \`${name}\`, which is not a parameter or resource of this template`, hint);
  }

  /** `Fn::GetAtt RESOURCE.ATTRIBUTE`, shared by `Fn::GetAtt` and `Fn::Sub`. */
  getAtt(id: string, attribute: string, location: SourceLocation, shown: string): Resolved {
    const resource = this.scope.resources.get(id);
    if (!resource) {
      const hint = didYouMean(id, this.scope.resources.keys()) ?? 'use the logical id of a resource of this template';
      return this.report(location, `${shown} refers to \`${id}\`, which is not a resource of this template`, hint);
    }
    if (resource.type === 'AWS::CodePipeline::Pipeline' && attribute === 'Version') return '1';
    if (resource.type === 'AWS::CodeBuild::Project' && attribute === 'Arn') {
      const name = this.resourceName(id, location);
      return typeof name === 'string' ? `arn:aws:codebuild:${this.scope.homeRegion}:${ACCOUNT_ID}:project/${name}` : UNRESOLVED;
    }
    return this.report(
      location,
      `${shown} cannot be resolved: \`${id}.${attribute}\` only exists once AWS creates the resource`,
      'write the value directly, or export it and use `!ImportValue NAME` with `meridian exports set NAME VALUE`',
    );
  }

  private node(node: Node | null | undefined, ignoreTag: boolean): Resolved {
    if (node === null || node === undefined) return null;
    if (isAlias(node)) return this.report(this.at(node), 'YAML aliases are not supported in CloudFormation templates', 'repeat the value instead of `*alias`');
    const tag = ignoreTag ? undefined : node.tag;
    const fn = tag === undefined ? undefined : SHORT_FORMS.get(tag);
    if (fn !== undefined && tag !== undefined) return this.call(fn, node, node, tag, true);
    if (isScalar(node)) return scalar(node.value);
    if (isSeq(node)) {
      const items = node.items.map((item) => this.value(item as Node | null));
      return items.filter((item): item is Value => item !== NO_VALUE);
    }
    if (isMap(node)) {
      const entries = mapEntries(node);
      const only = entries.length === 1 ? entries[0] : undefined;
      const name = only ? longFormName(only.key) : undefined;
      if (only && name) return this.call(name, only.value, node, name, false);
      const out: Record<string, Value> = {};
      for (const { key, value } of entries) {
        const resolved = this.value(value);
        if (resolved !== NO_VALUE) out[key] = resolved;
      }
      return out;
    }
    return null;
  }

  private call(fn: string, argument: Node | null, at: Node, shown: string, shortForm: boolean): Resolved {
    const before = this.problems.length;
    const warned = this.warnings.length;
    const result = callIntrinsic(this, { fn, argument, at, shown: shortForm ? shown : fn, shortForm });
    // What Meridian does not act on keeps its functions, unreported and unwarned.
    if (this.lenientDepth > 0 && (this.problems.length > before || this.warnings.length > warned)) {
      this.problems.length = before;
      this.warnings.length = warned;
      const kept = this.node(argument, shortForm);
      this.problems.length = before;
      this.warnings.length = warned;
      return { [fn]: kept === NO_VALUE ? null : kept };
    }
    return result;
  }

  private pseudo(name: string): Resolved | undefined {
    const { homeRegion, stackName } = this.scope;
    switch (name) {
      case 'AWS::Region':
        return homeRegion;
      case 'AWS::AccountId':
        return ACCOUNT_ID;
      case 'AWS::Partition':
        return 'aws';
      case 'AWS::URLSuffix':
        return 'amazonaws.com';
      case 'AWS::StackName':
        return stackName;
      case 'AWS::StackId':
        return `arn:aws:cloudformation:${homeRegion}:${ACCOUNT_ID}:stack/${stackName}/00000000-0000-0000-0000-000000000000`;
      case 'AWS::NotificationARNs':
        return [];
      case 'AWS::NoValue':
        return NO_VALUE;
      default:
        return undefined;
    }
  }

  /** What `Ref` of a resource gives: its name property when it has one, else its logical id. */
  private resourceName(id: string, location: SourceLocation): Resolved {
    const resource = this.scope.resources.get(id);
    if (!resource) return UNRESOLVED;
    if (this.naming.has(id)) return this.report(location, `circular reference: the name of \`${id}\` refers to itself`, 'write the name directly');
    const kind = resource.type.split('::').pop() ?? '';
    const nameNode = [`Name`, `${kind}Name`].map((key) => resource.properties.find((entry) => entry.key === key)).find((entry) => entry !== undefined);
    if (!nameNode) return id;
    this.naming.add(id);
    try {
      const name = this.value(nameNode.value);
      return typeof name === 'string' || name === UNRESOLVED ? name : id;
    } finally {
      this.naming.delete(id);
    }
  }
}

function scalar(value: unknown): Value {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' || value === null) return value;
  // Scalars other than these (dates under YAML 1.1, big ints) are kept as their text.
  return value instanceof Date ? value.toISOString() : typeof value === 'bigint' ? value.toString() : JSON.stringify(value);
}

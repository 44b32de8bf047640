/**
 * What the CloudFormation endpoint reads from a template: resources (type and whether
 * `Properties.FailOnCreate: true` asks it to fail), parameter defaults, and Outputs whose
 * `Value` is a literal or a `Ref` to a parameter. Nothing else is resolved.
 */
import { isMap, isScalar, parseDocument, type Node } from 'yaml';
import { intrinsicTags } from '../../../src/lib/yaml/intrinsic-tags.js';
import { QueryError } from './query-protocol.js';

export interface ResourceModel {
  type: string;
  failOnCreate: boolean;
  /** JSON of the declaration, to tell modified resources from unchanged ones. */
  fingerprint: string;
}

export interface TemplateModel {
  resources: Map<string, ResourceModel>;
  defaults: Record<string, string>;
  outputs(parameters: Record<string, string>): Record<string, string>;
}

export function readTemplate(body: string): TemplateModel {
  const doc = parseDocument(body, { customTags: intrinsicTags });
  if (doc.errors.length > 0 || !isMap(doc.contents)) throw new QueryError('ValidationError', 'Template format error: YAML not well-formed.');
  const json = (doc.toJS() ?? {}) as Record<string, unknown>;
  const resources = new Map<string, ResourceModel>();
  for (const [id, value] of Object.entries(record(json.Resources))) {
    const declaration = record(value);
    resources.set(id, {
      type: typeof declaration.Type === 'string' ? declaration.Type : 'AWS::CloudFormation::WaitConditionHandle',
      failOnCreate: record(declaration.Properties).FailOnCreate === true,
      fingerprint: JSON.stringify(declaration),
    });
  }
  if (resources.size === 0) throw new QueryError('ValidationError', 'Template format error: At least one Resources member must be defined.');
  const defaults: Record<string, string> = {};
  for (const [name, value] of Object.entries(record(json.Parameters))) {
    const declaration = record(value);
    const fallback = declaration.Default;
    if (typeof fallback === 'string' || typeof fallback === 'number' || typeof fallback === 'boolean') defaults[name] = String(fallback);
  }
  const outputNodes = doc.get('Outputs', true);
  return {
    resources,
    defaults,
    outputs(parameters) {
      const outputs: Record<string, string> = {};
      if (!isMap(outputNodes)) return outputs;
      for (const pair of outputNodes.items) {
        const name = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
        const valueNode = isMap(pair.value) ? (pair.value.get('Value', true) as Node | undefined) : undefined;
        outputs[name] = outputValue(valueNode, parameters);
      }
      return outputs;
    },
  };
}

function outputValue(node: Node | undefined, parameters: Record<string, string>): string {
  if (isScalar(node)) return node.tag === '!Ref' ? (parameters[String(node.value)] ?? String(node.value)) : String(node.value);
  if (isMap(node)) {
    const ref = node.get('Ref');
    if (typeof ref === 'string') return parameters[ref] ?? ref;
  }
  return '';
}

function record(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

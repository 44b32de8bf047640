/**
 * `AWS::CodePipeline::Webhook` resources of a template -> the model's `webhooks`, for the
 * ones that target the pipeline being compiled (a template with two pipelines may hold a
 * webhook for each). This file reads the shape and the authentication rules of CFN-WH;
 * the target action, filter limits and `{Key}` placeholders are checked by the `webhooks`
 * rule, the same way for every format.
 *
 * `SecretToken` may be plain text (also what `!ImportValue` gives), a dynamic reference to
 * the parameter store or Secrets Manager, or a `!Ref` to a template parameter: an SSM-typed
 * parameter is read from the parameter store when a delivery arrives, another one gives
 * its `Default`.
 */
import { isMap, isScalar, type Node } from 'yaml';
import type { PipelineWebhook, WebhookAuthentication, WebhookFilter, WebhookSecret } from '../../domain/pipeline.js';
import type { DeclarationReader } from '../codepipeline/declaration-reader.js';
import type { PipelineTrace } from '../trace.js';
import { UNRESOLVED, type Value } from '../values.js';
import type { Path } from '../../lib/yaml/locator.js';
import { mapEntries } from '../yaml/nodes.js';
import { hasDynamicReference, parseDynamicReference } from './dynamic-references.js';
import type { ParameterDeclaration } from './parameters.js';
import type { ResourceInfo } from './scope.js';
import { PIPELINE_TYPE } from './template-sections.js';

export const WEBHOOK_TYPE = 'AWS::CodePipeline::Webhook';

const WEBHOOK_KEYS = [
  'Authentication',
  'AuthenticationConfiguration',
  'Filters',
  'TargetAction',
  'TargetPipeline',
  'TargetPipelineVersion',
  'Name',
  'RegisterWithThirdParty',
];
const AUTHENTICATIONS: readonly WebhookAuthentication[] = ['GITHUB_HMAC', 'IP', 'UNAUTHENTICATED'];

export interface WebhookInputs {
  resources: ReadonlyMap<string, ResourceInfo>;
  /** Each webhook resource's properties, resolved (UNRESOLVED where a function failed, already reported). */
  resolved: ReadonlyMap<string, Record<string, Value>>;
  /** The pipeline being compiled: its logical id and name; `pipelineNames` has every pipeline's name by logical id. */
  pipelineId: string;
  pipelineName: string;
  pipelineNames: ReadonlyMap<string, string>;
  parameters: ReadonlyMap<string, ParameterDeclaration>;
}

export function compileWebhooks(r: DeclarationReader, inputs: WebhookInputs, trace: PipelineTrace): PipelineWebhook[] {
  const webhooks: PipelineWebhook[] = [];
  for (const resource of inputs.resources.values()) {
    if (resource.type !== WEBHOOK_TYPE) continue;
    const properties = inputs.resolved.get(resource.id) ?? {};
    const path = ['Resources', resource.id, 'Properties'];
    if (!targetsPipeline(r, resource, properties, inputs)) continue;
    const index = webhooks.length;
    const record = (field: string, at: Path): void => {
      const location = r.fieldAt(at);
      if (location) trace.fields[`webhooks.${index}${field === '' ? '' : `.${field}`}`] = location;
    };
    trace.fields[`webhooks.${index}`] = resource.location;
    const webhook = readWebhook(r, resource, properties, path, inputs, record);
    if (webhook) webhooks.push(webhook);
  }
  return webhooks;
}

/**
 * Whether the webhook's `TargetPipeline` is the pipeline being compiled. A `!Ref` must name
 * a pipeline of this template; a written name must be the name of one of them.
 */
function targetsPipeline(r: DeclarationReader, resource: ResourceInfo, properties: Record<string, Value>, inputs: WebhookInputs): boolean {
  const path = ['Resources', resource.id, 'Properties', 'TargetPipeline'];
  const node = resource.properties.find((entry) => entry.key === 'TargetPipeline')?.value;
  const refersTo = refTarget(node);
  const pipelines = [...inputs.pipelineNames.keys()];
  const hint = `write \`TargetPipeline: !Ref ${inputs.pipelineId}\``;
  if (node === undefined || node === null) {
    r.report(resource.location, `webhook ${resource.id} needs \`TargetPipeline\``, hint);
    return false;
  }
  if (refersTo !== undefined) {
    if (inputs.pipelineNames.has(refersTo)) return refersTo === inputs.pipelineId;
    if (inputs.resources.has(refersTo) || inputs.parameters.has(refersTo)) {
      const what = inputs.resources.has(refersTo) ? `resource ${refersTo} (${inputs.resources.get(refersTo)!.type})` : `parameter ${refersTo}`;
      r.report(
        r.at(path),
        `\`TargetPipeline\` of webhook ${resource.id} refers to ${what}, not to an ${PIPELINE_TYPE}`,
        `write \`TargetPipeline: !Ref ${pipelines[0] ?? inputs.pipelineId}\``,
      );
    }
    return false;
  }
  const value = properties.TargetPipeline;
  if (value === UNRESOLVED) return false;
  if (typeof value !== 'string') {
    r.report(r.at(path), `\`TargetPipeline\` of webhook ${resource.id} must name a pipeline`, hint);
    return false;
  }
  const named = [...inputs.pipelineNames.entries()].find(([, name]) => name === value);
  if (named) return named[0] === inputs.pipelineId;
  r.report(r.at(path), `webhook ${resource.id} targets pipeline ${value}, which is not in this template`, hint);
  return false;
}

/** The logical id a `!Ref X` or `{ Ref: X }` node names. */
function refTarget(node: Node | null | undefined): string | undefined {
  if (isScalar(node) && node.tag === '!Ref' && typeof node.value === 'string') return node.value;
  if (isMap(node)) {
    const entries = mapEntries(node);
    const only = entries.length === 1 ? entries[0] : undefined;
    if (only?.key === 'Ref' && isScalar(only.value) && typeof only.value.value === 'string') return only.value.value;
  }
  return undefined;
}

function readWebhook(
  r: DeclarationReader,
  resource: ResourceInfo,
  properties: Record<string, Value>,
  path: Path,
  inputs: WebhookInputs,
  record: (field: string, at: Path) => void,
): PipelineWebhook | undefined {
  const what = `webhook ${resource.id}`;
  r.checkKeys(properties, path, WEBHOOK_KEYS, what);
  const nameValue = properties.Name;
  const name = nameValue === undefined ? resource.id : r.string(nameValue, [...path, 'Name'], 'the webhook name');
  record('name', [...path, 'Name']);

  const authPath = [...path, 'Authentication'];
  record('authentication', authPath);
  const authentication = r.oneOf(r.required(properties, 'Authentication', path, what), authPath, '`Authentication`', AUTHENTICATIONS);
  const configPath = [...path, 'AuthenticationConfiguration'];
  const configValue = properties.AuthenticationConfiguration;
  const config = configValue === undefined || configValue === null ? {} : (r.map(configValue, configPath, '`AuthenticationConfiguration`') ?? {});
  r.checkKeys(config, configPath, ['SecretToken', 'AllowedIPRange'], '`AuthenticationConfiguration`');
  const tokenPath = [...configPath, 'SecretToken'];
  const rangePath = [...configPath, 'AllowedIPRange'];
  record('secret', tokenPath);
  record('allowedIpRange', rangePath);
  const token = config.SecretToken === undefined ? undefined : r.string(config.SecretToken, tokenPath, '`SecretToken`');
  const range = config.AllowedIPRange === undefined ? undefined : r.string(config.AllowedIPRange, rangePath, '`AllowedIPRange`');

  const webhook: PipelineWebhook = {
    name: name ?? resource.id,
    authentication: authentication ?? 'GITHUB_HMAC',
    filters: [],
    targetAction: '',
    location: resource.location,
  };
  switch (authentication) {
    case 'GITHUB_HMAC': {
      if (range !== undefined)
        r.report(
          r.locator.keyAt(rangePath),
          '`AllowedIPRange` only applies to `Authentication: IP`',
          'remove it, or set `Authentication: IP` and remove `SecretToken`',
        );
      if (config.SecretToken === undefined) {
        r.report(
          r.locator.keyAt(configValue === undefined ? path : configPath),
          `${what} uses GITHUB_HMAC but has no \`SecretToken\``,
          'add `AuthenticationConfiguration: { SecretToken: "{{resolve:secretsmanager:ID:SecretString:KEY}}" }`',
        );
      }
      const secret = token === undefined ? undefined : webhookSecret(r, token, r.at(tokenPath), inputs.parameters);
      if (secret) webhook.secret = secret;
      break;
    }
    case 'IP':
      if (config.SecretToken !== undefined)
        r.report(
          r.locator.keyAt(tokenPath),
          '`SecretToken` only applies to `Authentication: GITHUB_HMAC`',
          'remove it, or set `Authentication: GITHUB_HMAC` and remove `AllowedIPRange`',
        );
      if (config.AllowedIPRange === undefined)
        r.report(
          r.locator.keyAt(configValue === undefined ? path : configPath),
          `${what} uses IP but has no \`AllowedIPRange\``,
          'add `AuthenticationConfiguration: { AllowedIPRange: 192.0.2.0/24 }`',
        );
      if (range !== undefined) webhook.allowedIpRange = range;
      break;
    case 'UNAUTHENTICATED':
      for (const [key, at] of [
        ['SecretToken', tokenPath],
        ['AllowedIPRange', rangePath],
      ] as const) {
        if (config[key] !== undefined)
          r.report(
            r.locator.keyAt(at),
            `\`${key}\` does not apply to \`Authentication: UNAUTHENTICATED\``,
            `remove it, or choose the authentication \`${key}\` belongs to`,
          );
      }
      break;
    case undefined:
      break;
  }

  const filtersPath = [...path, 'Filters'];
  record('filters', filtersPath);
  (
    r.list(
      r.required(properties, 'Filters', path, what),
      filtersPath,
      '`Filters`',
      'write `Filters: [{ JsonPath: $.ref, MatchEquals: "refs/heads/{Branch}" }]`',
    ) ?? []
  ).forEach((item, k) => {
    const itemPath = [...filtersPath, k];
    const filter = r.map(item, itemPath, 'a webhook filter');
    if (!filter) return;
    r.checkKeys(filter, itemPath, ['JsonPath', 'MatchEquals'], 'a webhook filter');
    record(`filters.${k}`, itemPath);
    record(`filters.${k}.jsonPath`, [...itemPath, 'JsonPath']);
    record(`filters.${k}.matchEquals`, [...itemPath, 'MatchEquals']);
    const jsonPath = r.string(r.required(filter, 'JsonPath', itemPath, 'a webhook filter'), [...itemPath, 'JsonPath'], '`JsonPath`');
    const matchEquals =
      filter.MatchEquals === undefined || filter.MatchEquals === null ? undefined : r.string(filter.MatchEquals, [...itemPath, 'MatchEquals'], '`MatchEquals`');
    if (jsonPath === undefined) return;
    const compiled: WebhookFilter = { jsonPath };
    if (matchEquals !== undefined) compiled.matchEquals = matchEquals;
    webhook.filters.push(compiled);
  });

  const targetPath = [...path, 'TargetAction'];
  record('targetAction', targetPath);
  const target = r.string(r.required(properties, 'TargetAction', path, what), targetPath, '`TargetAction`');
  if (properties.TargetPipelineVersion === undefined || properties.TargetPipelineVersion === null) {
    r.report(r.locator.keyAt(path), `${what} needs \`TargetPipelineVersion\``, `add \`TargetPipelineVersion: !GetAtt ${inputs.pipelineId}.Version\``);
  }
  if (target === undefined || authentication === undefined || name === undefined) return undefined;
  webhook.targetAction = target;
  return webhook;
}

/** Where a GITHUB_HMAC secret comes from (see the file comment). */
function webhookSecret(
  r: DeclarationReader,
  token: string,
  at: ReturnType<DeclarationReader['at']>,
  parameters: ReadonlyMap<string, ParameterDeclaration>,
): WebhookSecret | undefined {
  const reference = parseDynamicReference(token);
  if (reference?.kind === 'invalid') return r.report(at, reference.message, reference.hint);
  if (reference) return reference;
  const forms = 'plain text, `{{resolve:ssm:NAME}}`, `{{resolve:secretsmanager:ID:SecretString:KEY}}` or `!Ref PARAMETER`';
  if (hasDynamicReference(token)) return r.report(at, 'a `SecretToken` with a dynamic reference must be only that reference', `write one of ${forms}`);
  const parameter = /^#\{parameters\.([^}]+)\}$/.exec(token)?.[1];
  if (parameter !== undefined) {
    const declared = parameters.get(parameter);
    if (!declared) return undefined;
    if (declared.type === 'SSM' && declared.default !== undefined) return { kind: 'parameter', name: declared.default };
    if (declared.default !== undefined) return { kind: 'plain', value: declared.default };
    return r.report(
      at,
      `\`SecretToken\` refers to parameter ${parameter}, which has no Default, so Meridian cannot know the secret`,
      `give ${parameter} a \`Default\`, make it \`Type: AWS::SSM::Parameter::Value<String>\`, or use \`{{resolve:secretsmanager:ID:SecretString:KEY}}\``,
    );
  }
  if (token.includes('#{parameters.')) return r.report(at, 'a `SecretToken` cannot be built from parameters', `write one of ${forms}`);
  return { kind: 'plain', value: token };
}

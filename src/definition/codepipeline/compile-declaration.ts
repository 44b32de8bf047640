/**
 * A CodePipeline `PipelineDeclaration` (from a template's resource or from get-pipeline
 * JSON, already resolved to plain data) -> the parts of a Pipeline it determines.
 *
 * Home region: the caller may know it (template `Metadata`, the ARN in get-pipeline's
 * `metadata`). Otherwise, with `ArtifactStores` it is the first entry's region (the
 * pipeline's own region must have an entry, and templates conventionally list it first);
 * with a single `ArtifactStore` it is DEFAULT_REGION.
 */
import {
  DEFAULT_REGION,
  type ExecutionMode,
  type PipelineTrigger,
  type PipelineVariable,
  type Region,
  type SourcePoll,
  type Stage,
} from '../../domain/pipeline.js';
import type { PipelineTrace, StageTrace } from '../trace.js';
import type { Path } from '../../lib/yaml/locator.js';
import { readAction } from './compile-action.js';
import { readStageConditions } from './conditions.js';
import type { Problem } from '../../domain/errors.js';
import { DeclarationReader } from './declaration-reader.js';
import { readPolls, readTriggers } from './triggers.js';

export interface CompiledDeclaration {
  name: string;
  homeRegion: string;
  regions: Region[];
  stages: Stage[];
  variables: PipelineVariable[];
  executionMode: ExecutionMode;
  triggers: PipelineTrigger[];
  polls: SourcePoll[];
  /** Problems of `Triggers`: reported, but they leave the stages whole, so the rules still run. */
  triggerProblems: Problem[];
  trace: PipelineTrace;
}

export interface DeclarationOptions {
  /** Keys the declaration may have (PascalCase); the ones not read here are accepted and ignored. */
  knownKeys: readonly string[];
  /** Where `name` is not required (a template resource defaults to its logical id). */
  defaultName?: string;
  /** The home region when the file says it, and where it says it. */
  homeRegion?: { name: string; where: string };
}

const EXECUTION_MODES: readonly ExecutionMode[] = ['SUPERSEDED', 'QUEUED', 'PARALLEL'];
const STAGE_KEYS = ['Name', 'Actions', 'Blockers', 'BeforeEntry', 'OnSuccess', 'OnFailure'];
/** Legacy blockers: reserved by CloudFormation, refused rather than ignored. Stage conditions: conditions.ts. */
const UNSUPPORTED_STAGE_KEYS: Record<string, string> = {
  Blockers: 'blockers',
};

export function compileDeclaration(r: DeclarationReader, declaration: Record<string, unknown>, path: Path, options: DeclarationOptions): CompiledDeclaration {
  r.checkKeys(declaration, path, options.knownKeys, 'the pipeline');
  const trace: PipelineTrace = { at: r.at(path), fields: {}, stages: [] };
  const namePath = [...path, r.key('Name')];
  const rawName = r.get(declaration, 'Name');
  let name = options.defaultName ?? '';
  if (rawName !== undefined || options.defaultName === undefined) {
    name = r.string(r.required(declaration, 'Name', path, 'the pipeline'), namePath, 'the pipeline name') ?? name;
  }
  trace.fields.name = r.fieldAt(namePath) ?? trace.at;

  refusePipelineKeys(r, declaration, path);
  const { homeRegion, regions } = readStores(r, declaration, path, trace, options.homeRegion);
  const executionMode = readExecutionMode(r, declaration, path);
  const variables = readVariables(r, declaration, path, trace);

  const stagesPath = [...path, r.key('Stages')];
  trace.fields.stages = r.fieldAt(stagesPath) ?? trace.at;
  const stageList = r.list(r.required(declaration, 'Stages', path, 'the pipeline'), stagesPath, `\`${r.key('Stages')}\``) ?? [];
  const stages: Stage[] = [];
  stageList.forEach((value, i) => {
    const stagePath = [...stagesPath, i];
    const stage = r.map(value, stagePath, 'a stage');
    if (!stage) return;
    r.checkKeys(stage, stagePath, STAGE_KEYS, 'a stage');
    refuseStageConditions(r, stage, stagePath);
    const stageTrace: StageTrace = { at: r.at(stagePath), fields: {}, actions: [] };
    const stageNamePath = [...stagePath, r.key('Name')];
    stageTrace.fields.name = r.fieldAt(stageNamePath) ?? stageTrace.at;
    const stageName = r.string(r.required(stage, 'Name', stagePath, 'a stage'), stageNamePath, 'the stage name') ?? '';
    const actionsPath = [...stagePath, r.key('Actions')];
    const actions = r.list(r.required(stage, 'Actions', stagePath, `stage ${stageName}`), actionsPath, `\`${r.key('Actions')}\``) ?? [];
    const compiled: Stage = { name: stageName, actions: [], location: stageTrace.at };
    const conditions = readStageConditions(r, stage, stagePath, homeRegion, executionMode);
    if (conditions) compiled.conditions = conditions;
    actions.forEach((actionValue, j) => {
      const result = readAction(r, actionValue, [...actionsPath, j], homeRegion);
      if (!result) return;
      compiled.actions.push(result.action);
      stageTrace.actions.push(result.trace);
    });
    stages.push(compiled);
    trace.stages.push(stageTrace);
  });
  const triggerReader = new DeclarationReader(r.locator, r.style);
  const triggers = readTriggers(triggerReader, declaration, path, trace);
  return { name, homeRegion, regions, stages, variables, executionMode, triggers, polls: readPolls(stages), triggerProblems: triggerReader.problems, trace };
}

/** Pipeline settings Meridian would otherwise accept and not act on. */
function refusePipelineKeys(r: DeclarationReader, declaration: Record<string, unknown>, path: Path): void {
  const disabled = r.get(declaration, 'DisableInboundStageTransitions');
  if (Array.isArray(disabled) && disabled.length > 0) {
    r.report(
      r.locator.keyAt([...path, r.key('DisableInboundStageTransitions')]),
      `\`${r.key('DisableInboundStageTransitions')}\` is not supported by Meridian: it does not disable transitions from a definition`,
      'remove it; to hold executions before a stage, put a manual approval action (`Category: Approval, Provider: Manual`) at the start of that stage',
    );
  }
  const restart = r.get(declaration, 'RestartExecutionOnUpdate');
  if (restart === true || (typeof restart === 'string' && /^true$/i.test(restart))) {
    r.report(
      r.at([...path, r.key('RestartExecutionOnUpdate')]),
      `\`${r.key('RestartExecutionOnUpdate')}: true\` is not supported by Meridian: a changed definition does not start an execution`,
      `set it to false (or remove it) and start an execution after a change with \`meridian run\` or \`POST /api/pipelines/{name}/executions\``,
    );
  }
}

function refuseStageConditions(r: DeclarationReader, stage: Record<string, unknown>, stagePath: Path): void {
  for (const [key, what] of Object.entries(UNSUPPORTED_STAGE_KEYS)) {
    const value = r.get(stage, key);
    if (value === undefined || value === null) continue;
    r.report(
      r.locator.keyAt([...stagePath, r.key(key)]),
      `\`${r.key(key)}\` (${what}) is not supported by Meridian: it would not be evaluated`,
      `remove \`${r.key(key)}\` (CloudFormation reserves it for future use); for a gate use \`${r.key('BeforeEntry')}\` conditions or a manual approval action`,
    );
  }
}

function readStores(
  r: DeclarationReader,
  declaration: Record<string, unknown>,
  path: Path,
  trace: PipelineTrace,
  explicitHome: DeclarationOptions['homeRegion'],
): { homeRegion: string; regions: Region[] } {
  const single = r.get(declaration, 'ArtifactStore');
  const multi = r.get(declaration, 'ArtifactStores');
  const singleKey = r.key('ArtifactStore');
  const multiKey = r.key('ArtifactStores');
  if (single !== undefined && multi !== undefined) {
    r.report(
      r.locator.keyAt([...path, multiKey]),
      `use either \`${singleKey}\` or \`${multiKey}\`, not both`,
      `keep \`${multiKey}\` (one store per region) when actions run in other regions`,
    );
  }
  if (single === undefined && multi === undefined) {
    r.report(
      r.at(path),
      'the pipeline has no artifact store',
      `add \`${singleKey}: { ${r.key('Type')}: S3, ${r.key('Location')}: BUCKET }\`, or \`${multiKey}\` with one entry per region`,
    );
    const home = explicitHome?.name ?? DEFAULT_REGION;
    return { homeRegion: home, regions: [] };
  }
  if (multi === undefined) {
    const homeRegion = explicitHome?.name ?? DEFAULT_REGION;
    const storePath = [...path, singleKey];
    const location = readStore(r, single, storePath);
    trace.fields[`regions.${homeRegion}`] = r.at(storePath);
    return { homeRegion, regions: location === undefined ? [] : [{ name: homeRegion, timezone: 'UTC', store: { kind: 's3', location } }] };
  }

  const multiPath = [...path, multiKey];
  const entries: Array<{ region: string; store: unknown; storePath: Path; regionPath: Path }> = [];
  if (r.style === 'pascal') {
    const list = r.list(multi, multiPath, `\`${multiKey}\``, 'write `- Region: eu-west-1` with `ArtifactStore: { Type: S3, Location: BUCKET }` under it') ?? [];
    list.forEach((item, i) => {
      const itemPath = [...multiPath, i];
      const entry = r.map(item, itemPath, `each item of \`${multiKey}\``);
      if (!entry) return;
      r.checkKeys(entry, itemPath, ['Region', 'ArtifactStore'], `an \`${multiKey}\` entry`);
      const region = r.regionName(r.required(entry, 'Region', itemPath, `an \`${multiKey}\` entry`), [...itemPath, 'Region'], 'the `Region` of this entry');
      const store = r.required(entry, 'ArtifactStore', itemPath, `an \`${multiKey}\` entry`);
      if (region !== undefined) entries.push({ region, store, storePath: [...itemPath, 'ArtifactStore'], regionPath: [...itemPath, 'Region'] });
    });
  } else {
    const map = r.map(multi, multiPath, `\`${multiKey}\``) ?? {};
    for (const [region, store] of Object.entries(map)) {
      if (r.regionName(region, [...multiPath, region], `a region of \`${multiKey}\``, r.locator.keyAt([...multiPath, region])) === undefined) continue;
      entries.push({ region, store, storePath: [...multiPath, region], regionPath: [...multiPath, region] });
    }
  }
  const regions: Region[] = [];
  for (const entry of entries) {
    if (regions.some((known) => known.name === entry.region)) {
      r.report(r.at(entry.regionPath), `region ${entry.region} has two artifact stores`, 'keep one entry per region');
      continue;
    }
    trace.fields[`regions.${entry.region}`] = r.at(entry.regionPath);
    const location = readStore(r, entry.store, entry.storePath);
    if (location !== undefined) regions.push({ name: entry.region, timezone: 'UTC', store: { kind: 's3', location } });
  }
  const homeRegion = explicitHome?.name ?? entries[0]?.region ?? DEFAULT_REGION;
  if (explicitHome && entries.length > 0 && !entries.some((entry) => entry.region === explicitHome.name)) {
    r.report(
      r.locator.keyAt(multiPath),
      `the pipeline's home region ${explicitHome.name} (${explicitHome.where}) has no entry in \`${multiKey}\``,
      `add an entry for ${explicitHome.name}`,
    );
  }
  return { homeRegion, regions };
}

function readStore(r: DeclarationReader, value: unknown, path: Path): string | undefined {
  const store = r.map(value, path, 'an artifact store');
  if (!store) return undefined;
  r.checkKeys(store, path, ['Type', 'Location', 'EncryptionKey'], 'an artifact store');
  const encryption = r.get(store, 'EncryptionKey');
  if (encryption !== undefined && encryption !== null) {
    r.report(
      r.locator.keyAt([...path, r.key('EncryptionKey')]),
      `\`${r.key('EncryptionKey')}\` is not supported by Meridian: its artifact stores are not encrypted with KMS keys`,
      `remove \`${r.key('EncryptionKey')}\` (Meridian keeps artifacts in the state dir or the bucket of a native \`store: s3://...\`, with the bucket's own encryption)`,
    );
  }
  r.oneOf(r.required(store, 'Type', path, 'an artifact store'), [...path, r.key('Type')], 'the artifact store type', ['S3']);
  return r.string(r.required(store, 'Location', path, 'an artifact store'), [...path, r.key('Location')], 'the artifact store location');
}

function readExecutionMode(r: DeclarationReader, declaration: Record<string, unknown>, path: Path): ExecutionMode {
  const modeValue = r.get(declaration, 'ExecutionMode');
  const typeValue = r.get(declaration, 'PipelineType');
  const pipelineType = typeValue === undefined ? undefined : r.oneOf(typeValue, [...path, r.key('PipelineType')], 'PipelineType', ['V1', 'V2']);
  if (modeValue === undefined) return 'SUPERSEDED';
  const modePath = [...path, r.key('ExecutionMode')];
  const mode = r.oneOf(modeValue, modePath, 'ExecutionMode', EXECUTION_MODES) ?? 'SUPERSEDED';
  if (mode !== 'SUPERSEDED' && pipelineType === 'V1') {
    r.report(r.at(modePath), `ExecutionMode ${mode} needs a V2 pipeline`, `set \`${r.key('PipelineType')}: V2\``);
  }
  return mode;
}

function readVariables(r: DeclarationReader, declaration: Record<string, unknown>, path: Path, trace: PipelineTrace): PipelineVariable[] {
  const value = r.get(declaration, 'Variables');
  if (value === undefined || value === null) return [];
  const listPath = [...path, r.key('Variables')];
  const out: PipelineVariable[] = [];
  (r.list(value, listPath, `\`${r.key('Variables')}\``) ?? []).forEach((item, i) => {
    const itemPath = [...listPath, i];
    const variable = r.map(item, itemPath, 'a pipeline variable');
    if (!variable) return;
    r.checkKeys(variable, itemPath, ['Name', 'DefaultValue', 'Description'], 'a pipeline variable');
    const name = r.string(r.required(variable, 'Name', itemPath, 'a pipeline variable'), [...itemPath, r.key('Name')], 'the variable name');
    if (name === undefined) return;
    trace.fields[`variables.${name}`] = r.at([...itemPath, r.key('Name')]);
    const compiled: PipelineVariable = { name };
    const defaultValue = r.get(variable, 'DefaultValue');
    if (defaultValue !== undefined) compiled.defaultValue = r.string(defaultValue, [...itemPath, r.key('DefaultValue')], 'DefaultValue');
    const description = r.get(variable, 'Description');
    if (description !== undefined) compiled.description = r.string(description, [...itemPath, r.key('Description')], 'Description');
    out.push(compiled);
  });
  return out;
}

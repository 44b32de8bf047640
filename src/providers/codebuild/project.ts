/**
 * The CodeBuild project a build action names (`ProjectName`): an `AWS::CodeBuild::Project`
 * of the same template, matched by its `Name` or its logical id, with CloudFormation's
 * property names. A native action without a template may give the same fields in its
 * configuration (`Environment`, `Source`, `TimeoutInMinutes`, `Cache`). The action's own
 * `EnvironmentVariables` (CodePipeline's JSON text `[{name, value, type}]`) override the
 * project's.
 */
import type { Action, ConfigValue, EnvironmentVariable, EnvironmentVariableType, Pipeline } from '../../domain/pipeline.js';
import type { ConfigProblem } from '../provider.js';

export interface Project {
  name: string;
  /** Where the settings came from, for the log. */
  origin: string;
  buildSpec?: string;
  environmentVariables: EnvironmentVariable[];
  image?: string;
  timeoutInMinutes?: number;
  /** `NO_CACHE` turns the buildspec's cache off. */
  cacheType?: string;
}

const TYPES: readonly EnvironmentVariableType[] = ['PLAINTEXT', 'PARAMETER_STORE', 'SECRETS_MANAGER'];
type Properties = Record<string, ConfigValue>;

export function readProject(action: Action, resources: Pipeline['resources']): Project {
  const wanted = text(action.configuration.ProjectName);
  const found = wanted === undefined ? undefined : findProject(wanted, resources);
  const properties: Properties = found?.properties ?? action.configuration;
  const name = text(properties.Name) ?? wanted ?? action.name;
  const environment = asObject(properties.Environment);
  const project: Project = {
    name,
    origin: found
      ? `project ${name} (resource ${found.logicalId})`
      : wanted
        ? `project ${name} (not in the template: CodeBuild's defaults)`
        : `action ${action.name} (no ProjectName)`,
    environmentVariables: environmentVariables(environment?.EnvironmentVariables).variables,
  };
  const buildSpec = text(asObject(properties.Source)?.BuildSpec);
  if (buildSpec !== undefined) project.buildSpec = buildSpec;
  const image = text(environment?.Image);
  if (image !== undefined) project.image = image;
  const timeout = Number(text(properties.TimeoutInMinutes));
  if (Number.isFinite(timeout) && timeout > 0) project.timeoutInMinutes = timeout;
  const cacheType = text(asObject(properties.Cache)?.Type);
  if (cacheType !== undefined) project.cacheType = cacheType;
  return project;
}

/** The action's `EnvironmentVariables` (JSON text or a list), then a native `env:`. */
export function actionVariables(action: Action): { variables: EnvironmentVariable[]; problem?: string } {
  const given = action.configuration.EnvironmentVariables;
  let value: unknown = given;
  if (typeof given === 'string') {
    try {
      value = JSON.parse(given);
    } catch {
      return { variables: [], problem: 'EnvironmentVariables must be JSON text: [{"name":"X","value":"1","type":"PLAINTEXT"}]' };
    }
  }
  const read = environmentVariables(value);
  return { variables: [...read.variables, ...(action.environmentVariables ?? [])], ...(read.problem ? { problem: read.problem } : {}) };
}

export function projectProblems(action: Action): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const { variables, problem } = actionVariables(action);
  if (problem) problems.push({ field: 'EnvironmentVariables', message: problem });
  for (const variable of variables) {
    if (variable.name.startsWith('CODEBUILD_')) {
      problems.push({ field: 'EnvironmentVariables', message: `${variable.name}: names starting with CODEBUILD_ are reserved`, hint: 'rename the variable' });
    }
  }
  return problems;
}

function findProject(wanted: string, resources: Pipeline['resources']): { logicalId: string; properties: Properties } | undefined {
  const projects = Object.entries(resources).filter(([, resource]) => resource.type === 'AWS::CodeBuild::Project');
  const match = projects.find(([, resource]) => resource.properties.Name === wanted) ?? projects.find(([logicalId]) => logicalId === wanted);
  return match ? { logicalId: match[0], properties: match[1].properties } : undefined;
}

/** `[{Name, Value, Type}]` (CloudFormation) or `[{name, value, type}]` (CodePipeline). */
function environmentVariables(value: unknown): { variables: EnvironmentVariable[]; problem?: string } {
  if (value === undefined || value === null) return { variables: [] };
  if (!Array.isArray(value)) return { variables: [], problem: 'EnvironmentVariables must be a list of {name, value, type}' };
  const variables: EnvironmentVariable[] = [];
  for (const item of value) {
    const entry = asObject(item as ConfigValue);
    const name = text(entry?.Name ?? entry?.name);
    const type = (text(entry?.Type ?? entry?.type) ?? 'PLAINTEXT') as EnvironmentVariableType;
    if (name === undefined || !TYPES.includes(type)) {
      return { variables, problem: `each environment variable needs a name and a type of ${TYPES.join(', ')}` };
    }
    variables.push({ name, value: text(entry?.Value ?? entry?.value) ?? '', type });
  }
  return { variables };
}

function asObject(value: ConfigValue | undefined): Record<string, ConfigValue> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? value : undefined;
}

function text(value: ConfigValue | undefined): string | undefined {
  if (value === undefined || value === null || typeof value === 'object') return undefined;
  return String(value);
}

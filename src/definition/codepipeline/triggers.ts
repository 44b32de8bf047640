/**
 * V2 `Triggers` of a CodePipeline declaration and `PollForSourceChanges` of its source
 * actions -> the model's `triggers` and `polls`. This file reads the shape (keys, types,
 * lists); the limits and the valid filter combinations are checked by the `triggers` rule,
 * the same way for every format.
 *
 * Meridian refuses `PullRequest` filters: it has no pull-request events to start from yet.
 */
import type { Action, FilterCriteria, GitPushFilter, PipelineTrigger, SourcePoll, Stage } from '../../domain/pipeline.js';
import type { PipelineTrace } from '../trace.js';
import type { Path } from '../../lib/yaml/locator.js';
import type { DeclarationReader } from './declaration-reader.js';

/** How often a source action with `PollForSourceChanges: true` is polled (`git ls-remote`). */
export const DEFAULT_POLL_SECONDS = 60;

const TRIGGER_KEYS = ['ProviderType', 'GitConfiguration'];
const GIT_CONFIGURATION_KEYS = ['SourceActionName', 'Push', 'PullRequest'];
const PUSH_FILTER_KEYS = ['Branches', 'Tags', 'FilePaths'];
const CRITERIA_KEYS = ['Includes', 'Excludes'];
/** The CloudFormation enum; the user guide's examples also spell it `CodeConnection` or `Connection`. */
const PROVIDER_TYPES = ['CodeStarSourceConnection'];

const MODEL_FIELD: Record<string, 'branches' | 'tags' | 'filePaths'> = { Branches: 'branches', Tags: 'tags', FilePaths: 'filePaths' };

export function readTriggers(r: DeclarationReader, declaration: Record<string, unknown>, path: Path, trace: PipelineTrace): PipelineTrigger[] {
  const value = r.get(declaration, 'Triggers');
  if (value === undefined || value === null) return [];
  const listPath = [...path, r.key('Triggers')];
  // Lists and mappings are pointed at by their key, scalars by their value.
  const record = (field: string, at: Path, byKey = false): void => {
    const location = r.fieldAt(at);
    if (location) trace.fields[field] = byKey ? r.locator.keyAt(at) : location;
  };
  record('triggers', listPath, true);
  const pipelineType = r.get(declaration, 'PipelineType');
  if (pipelineType !== 'V2') {
    const where = pipelineType === undefined ? r.locator.keyAt(listPath) : r.at([...path, r.key('PipelineType')]);
    r.report(
      where,
      `\`${r.key('Triggers')}\` need a V2 pipeline${pipelineType === undefined ? ' (a pipeline without `' + r.key('PipelineType') + '` is V1)' : ''}`,
      `set \`${r.key('PipelineType')}: V2\``,
    );
  }
  const triggers: PipelineTrigger[] = [];
  (r.list(value, listPath, `\`${r.key('Triggers')}\``) ?? []).forEach((item, i) => {
    const itemPath = [...listPath, i];
    const trigger = r.map(item, itemPath, 'a trigger');
    if (!trigger) return;
    r.checkKeys(trigger, itemPath, TRIGGER_KEYS, 'a trigger');
    record(`triggers.${i}`, itemPath);
    const providerType = r.oneOf(
      r.required(trigger, 'ProviderType', itemPath, 'a trigger'),
      [...itemPath, r.key('ProviderType')],
      r.key('ProviderType'),
      PROVIDER_TYPES,
    );
    const gitPath = [...itemPath, r.key('GitConfiguration')];
    const git = r.map(r.required(trigger, 'GitConfiguration', itemPath, 'a trigger'), gitPath, `\`${r.key('GitConfiguration')}\``);
    if (!git) return;
    r.checkKeys(git, gitPath, GIT_CONFIGURATION_KEYS, `\`${r.key('GitConfiguration')}\``);
    const actionPath = [...gitPath, r.key('SourceActionName')];
    record(`triggers.${i}.sourceActionName`, actionPath);
    const sourceActionName = r.string(r.required(git, 'SourceActionName', gitPath, `\`${r.key('GitConfiguration')}\``), actionPath, r.key('SourceActionName'));

    const pullRequest = r.get(git, 'PullRequest');
    if (pullRequest !== undefined && pullRequest !== null) {
      r.report(
        r.locator.keyAt([...gitPath, r.key('PullRequest')]),
        `\`${r.key('PullRequest')}\` triggers are not supported by Meridian yet: it starts pipelines on pushes only`,
        `remove \`${r.key('PullRequest')}\` and start on pushes with \`${r.key('Push')}\` filters (e.g. \`${r.key('Branches')}: { ${r.key('Includes')}: [feature/**] }\`), or run a pull request's branch with \`meridian run --source NAME=PATH#BRANCH\``,
      );
    }
    const pushValue = r.get(git, 'Push');
    const pushPath = [...gitPath, r.key('Push')];
    record(`triggers.${i}.push`, pushPath, true);
    const push: GitPushFilter[] = [];
    if (pushValue === undefined || pushValue === null) {
      if (pullRequest === undefined || pullRequest === null) {
        r.report(
          r.at(gitPath),
          `\`${r.key('GitConfiguration')}\` needs \`${r.key('Push')}\` filters`,
          `add e.g. \`${r.key('Push')}: [{ ${r.key('Branches')}: { ${r.key('Includes')}: [main] } }]\``,
        );
      }
    } else {
      (r.list(pushValue, pushPath, `\`${r.key('Push')}\``) ?? []).forEach((filterValue, j) => {
        const filterPath = [...pushPath, j];
        const filter = r.map(filterValue, filterPath, 'a push filter');
        if (!filter) return;
        r.checkKeys(filter, filterPath, PUSH_FILTER_KEYS, 'a push filter');
        record(`triggers.${i}.push.${j}`, filterPath);
        const compiled: GitPushFilter = {};
        for (const key of PUSH_FILTER_KEYS) {
          const criteriaValue = r.get(filter, key);
          if (criteriaValue === undefined || criteriaValue === null) continue;
          const field = MODEL_FIELD[key]!;
          const criteria = readCriteria(r, criteriaValue, [...filterPath, r.key(key)], `triggers.${i}.push.${j}.${field}`, record);
          if (criteria) compiled[field] = criteria;
        }
        push.push(compiled);
      });
    }
    // A trigger of pull requests only is refused above; one with push filters too keeps those.
    if (sourceActionName === undefined || providerType === undefined || (push.length === 0 && pullRequest !== undefined && pullRequest !== null)) return;
    triggers.push({ providerType, sourceActionName, push, location: r.at(itemPath) });
  });
  return triggers;
}

function readCriteria(
  r: DeclarationReader,
  value: unknown,
  path: Path,
  field: string,
  record: (field: string, at: Path, byKey?: boolean) => void,
): FilterCriteria | undefined {
  const criteria = r.map(value, path, `\`${String(path[path.length - 1])}\``);
  if (!criteria) return undefined;
  r.checkKeys(criteria, path, CRITERIA_KEYS, `\`${String(path[path.length - 1])}\``);
  record(field, path, true);
  const out: FilterCriteria = { includes: [], excludes: [] };
  for (const key of CRITERIA_KEYS) {
    const list = r.get(criteria, key);
    if (list === undefined || list === null) continue;
    const listPath = [...path, r.key(key)];
    const modelKey = key === 'Includes' ? 'includes' : 'excludes';
    record(`${field}.${modelKey}`, listPath, true);
    const patterns = r.stringList(list, listPath, `\`${r.key(key)}\``) ?? [];
    patterns.forEach((_, k) => record(`${field}.${modelKey}.${k}`, [...listPath, k]));
    if (Array.isArray(list) && list.length === 0) {
      r.report(r.at(listPath), `\`${r.key(key)}\` needs 1 to 8 patterns`, `list at least one pattern, or remove \`${r.key(key)}\``);
    }
    out[modelKey] = patterns;
  }
  return out;
}

/** Source actions of the first stage that say `PollForSourceChanges: true` (CodePipeline's spelling, any case). */
export function readPolls(stages: readonly Stage[]): SourcePoll[] {
  const first = stages[0];
  if (!first) return [];
  return first.actions
    .filter((action) => action.type.category === 'Source' && pollsForSourceChanges(action))
    .map((action) => ({ sourceActionName: action.name, intervalSeconds: DEFAULT_POLL_SECONDS }));
}

/** `PollForSourceChanges: true` (or `"true"`, any case) in the action's configuration. */
export function pollsForSourceChanges(action: Action): boolean {
  const poll = action.configuration.PollForSourceChanges;
  return poll === true || (typeof poll === 'string' && /^true$/i.test(poll));
}

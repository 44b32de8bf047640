/**
 * V2 push triggers (CP-TRIG, API-GitConfiguration, API-GitBranchFilterCriteria): one
 * trigger per source action of the first stage; 1–3 push filters, each one of the valid
 * combinations — tags, branches, or branches with file paths; every include or exclude
 * list 1–8 patterns of 1–255 characters. In a CodePipeline definition the source action
 * must be a CodeStarSourceConnection action, as AWS requires (or Meridian's own git source).
 */
import type { Problem } from '../../domain/errors.js';
import { actionTypeKey, type FilterCriteria, type GitPushFilter, type Pipeline } from '../../domain/pipeline.js';
import { problem } from '../../lib/problems.js';
import type { PipelineLocator } from '../trace.js';
import { byFormat, type Rule } from './rule.js';
import { sourceActionProblem } from './source-actions.js';

const MAX_PUSH_FILTERS = 3;
const MAX_PATTERNS = 8;
const MAX_PATTERN_LENGTH = 255;
const TRIGGER_SOURCE_TYPES = ['Source/AWS/CodeStarSourceConnection', 'Source/Meridian/Git'];

interface Words {
  branches: string;
  tags: string;
  filePaths: string;
  includes: string;
  excludes: string;
  push: string;
}

function wordsFor(pipeline: Pipeline): Words {
  switch (pipeline.format) {
    case 'native':
      return { branches: 'branches', tags: 'tags', filePaths: 'paths', includes: 'includes', excludes: 'excludes', push: 'on' };
    case 'codepipeline-template':
      return { branches: 'Branches', tags: 'Tags', filePaths: 'FilePaths', includes: 'Includes', excludes: 'Excludes', push: 'Push' };
    case 'codepipeline-json':
      return { branches: 'branches', tags: 'tags', filePaths: 'filePaths', includes: 'includes', excludes: 'excludes', push: 'push' };
  }
}

export const triggers: Rule = (pipeline, locate) => {
  const problems: Problem[] = [];
  const words = wordsFor(pipeline);
  const seen = new Map<string, number>();
  pipeline.triggers.forEach((trigger, i) => {
    const at = `triggers.${i}`;
    const found = sourceActionProblem(
      pipeline,
      trigger.sourceActionName,
      byFormat(pipeline, { native: 'source', template: 'SourceActionName', json: 'sourceActionName' }),
    );
    if (found) {
      problems.push(problem(locate.pipeline(`${at}.sourceActionName`), found.message, found.hint));
    } else if (pipeline.format !== 'native') {
      const action = pipeline.stages[0]!.actions.find((a) => a.name === trigger.sourceActionName)!;
      const key = actionTypeKey(action.type);
      if (!TRIGGER_SOURCE_TYPES.includes(key)) {
        problems.push(
          problem(
            locate.pipeline(`${at}.sourceActionName`),
            `V2 triggers start CodeStarSourceConnection source actions; ${action.name} is ${key}`,
            byFormat(pipeline, {
              native: '',
              template: `make ${action.name} a \`Source/AWS/CodeStarSourceConnection\` action, or start it with an AWS::CodePipeline::Webhook resource instead of \`Triggers\``,
              json: `make ${action.name} a \`Source/AWS/CodeStarSourceConnection\` action, or remove the trigger and start it with a webhook`,
            }),
          ),
        );
      }
    }
    const earlier = seen.get(trigger.sourceActionName);
    if (earlier !== undefined) {
      problems.push(
        problem(
          locate.pipeline(at),
          `source action ${trigger.sourceActionName} already has a trigger (line ${locate.pipeline(`triggers.${earlier}`).line})`,
          'one trigger per source action: put all its push filters in one trigger',
        ),
      );
    } else {
      seen.set(trigger.sourceActionName, i);
    }
    if (trigger.push.length === 0 || trigger.push.length > MAX_PUSH_FILTERS) {
      problems.push(
        problem(
          locate.pipeline(`${at}.push`),
          `a trigger takes 1 to ${MAX_PUSH_FILTERS} push filters; this one has ${trigger.push.length}`,
          trigger.push.length === 0 ? `add a filter, e.g. \`${words.branches}: [main]\`` : 'merge filters: one filter may list up to 8 branch patterns',
        ),
      );
    }
    trigger.push.forEach((filter, j) => problems.push(...filterProblems(filter, `${at}.push.${j}`, words, locate)));
  });
  return problems;
};

function filterProblems(filter: GitPushFilter, at: string, words: Words, locate: PipelineLocator): Problem[] {
  const problems: Problem[] = [];
  const where = locate.pipeline(at);
  const { branches, tags, filePaths } = filter;
  if (!branches && !tags && !filePaths) {
    problems.push(
      problem(where, 'a push filter needs tags, branches, or branches with file paths', `add e.g. \`${words.branches}: [main]\` or \`${words.tags}: ['v*']\``),
    );
  } else if (tags && (branches || filePaths)) {
    const other = branches ? words.branches : words.filePaths;
    problems.push(
      problem(
        locate.pipeline(`${at}.tags`),
        `a push filter takes tags, branches, or branches with file paths: \`${words.tags}\` cannot be combined with \`${other}\``,
        `split it into two filters (they are OR-ed): one with \`${words.tags}\`, one with \`${words.branches}\`${filePaths ? ` and \`${words.filePaths}\`` : ''}`,
      ),
    );
  } else if (filePaths && !branches) {
    problems.push(
      problem(
        locate.pipeline(`${at}.filePaths`),
        `\`${words.filePaths}\` need \`${words.branches}\` in the same push filter`,
        `add \`${words.branches}: ['**']\` for every branch, or the branches you build`,
      ),
    );
  }
  for (const field of ['branches', 'tags', 'filePaths'] as const) {
    const criteria = filter[field];
    if (criteria) problems.push(...criteriaProblems(criteria, `${at}.${field}`, words[field], words, locate));
  }
  return problems;
}

function criteriaProblems(criteria: FilterCriteria, at: string, what: string, words: Words, locate: PipelineLocator): Problem[] {
  const problems: Problem[] = [];
  if (criteria.includes.length === 0 && criteria.excludes.length === 0) {
    problems.push(
      problem(
        locate.pipeline(at),
        `\`${what}\` lists no patterns`,
        `list patterns under \`${words.includes}\` or \`${words.excludes}\`, or remove \`${what}\``,
      ),
    );
  }
  for (const list of ['includes', 'excludes'] as const) {
    const patterns = criteria[list];
    if (patterns.length > MAX_PATTERNS) {
      problems.push(
        problem(
          locate.pipeline(`${at}.${list}.${MAX_PATTERNS}`),
          `\`${words[list]}\` of \`${what}\` takes at most ${MAX_PATTERNS} patterns; this list has ${patterns.length}`,
          'combine patterns with globs (`release/**`, `{a,b}`), or split the filter in two',
        ),
      );
    }
    patterns.forEach((pattern, k) => {
      if (pattern.length >= 1 && pattern.length <= MAX_PATTERN_LENGTH) return;
      problems.push(
        problem(
          locate.pipeline(`${at}.${list}.${k}`),
          `a pattern has 1 to ${MAX_PATTERN_LENGTH} characters (this one has ${pattern.length})`,
          pattern.length === 0 ? 'remove the empty pattern' : 'shorten it with `*` or `**`',
        ),
      );
    });
  }
  return problems;
}

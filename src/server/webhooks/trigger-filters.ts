/**
 * V2 trigger push filters (docs/aws-behaviour.md §1.11): filters are OR-ed; inside one, every criterion
 * given must match. A criterion matches when a value is included (no includes: anything) and
 * not excluded (an exclude wins over an include). Patterns follow CodePipeline's globs:
 * `*` stays inside a path component, `**` crosses them, `?`, `[...]`, `{a,b}`, `\` escapes.
 * File paths (inferred, see docs): a push passes when at least one file it added, modified
 * or removed passes the criterion.
 */
import picomatch from 'picomatch';
import type { FilterCriteria, GitPushFilter, PipelineTrigger } from '../../domain/pipeline.js';
import type { GithubPush } from './github-push.js';
import type { FilterVerdict } from './webhook-filters.js';

const OPTIONS: picomatch.PicomatchOptions = { dot: true, nobrace: false, noextglob: true };

export function globMatches(pattern: string, value: string): boolean {
  return picomatch(pattern, OPTIONS)(value);
}

export function criteriaMatch(criteria: FilterCriteria, value: string): boolean {
  if (criteria.excludes.some((pattern) => globMatches(pattern, value))) return false;
  return criteria.includes.length === 0 || criteria.includes.some((pattern) => globMatches(pattern, value));
}

function filterMatches(filter: GitPushFilter, push: GithubPush): FilterVerdict {
  if (filter.tags) {
    if (push.kind !== 'tag') return { ok: false, reason: `${push.ref} is not a tag` };
    if (!criteriaMatch(filter.tags, push.name)) return { ok: false, reason: `tag ${push.name} does not pass the tag filter` };
  }
  if (filter.branches) {
    if (push.kind !== 'branch') return { ok: false, reason: `${push.ref} is not a branch` };
    if (!criteriaMatch(filter.branches, push.name)) return { ok: false, reason: `branch ${push.name} does not pass the branch filter` };
  }
  if (filter.filePaths) {
    const criteria = filter.filePaths;
    if (!push.changedFiles.some((file) => criteriaMatch(criteria, file))) {
      return { ok: false, reason: `none of the ${push.changedFiles.length} changed file(s) passes the file path filter` };
    }
  }
  return { ok: true };
}

/** Whether a push passes a source action's trigger (several push filters: any one). */
export function matchTrigger(trigger: PipelineTrigger, push: GithubPush): FilterVerdict {
  if (trigger.push.length === 0) return { ok: false, reason: `the trigger of ${trigger.sourceActionName} has no push filter` };
  const reasons: string[] = [];
  for (const filter of trigger.push) {
    const verdict = filterMatches(filter, push);
    if (verdict.ok) return verdict;
    reasons.push(verdict.reason);
  }
  return { ok: false, reason: reasons.join('; ') };
}

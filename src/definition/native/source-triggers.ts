/**
 * What starts a native source: `webhook:` (a delivery to POST /webhooks/github/<pipeline>),
 * `on:` (V2 push filters on those deliveries) and `poll:` (`git ls-remote` on a timer).
 *
 * - `webhook.secret` makes it GITHUB_HMAC; `allowedIpRange` IP; `unauthenticated: true`
 *   UNAUTHENTICATED. Exactly one of them: a webhook anyone may call must say so. A plain
 *   string secret is accepted (tests, local use) but belongs in the parameter store or the
 *   secret store: `{ parameter: /name }`, `{ secret: id:key }`.
 * - With `branch:` and without `on:` or `filters:`, the webhook gets CodePipeline's
 *   canonical filter, `$.ref` equals `refs/heads/{Branch}`. With `on:` the push filters
 *   decide (a `$.ref` filter would refuse the tag pushes they allow).
 * - `poll: true` polls every 60 s; `poll: 90s`, `5m`, `1h` or a number of seconds otherwise.
 */
import type { Problem } from '../../domain/errors.js';
import type { FilterCriteria, GitPushFilter, PipelineTrigger, PipelineWebhook, SourcePoll, WebhookSecret } from '../../domain/pipeline.js';
import { DEFAULT_POLL_SECONDS } from '../codepipeline/triggers.js';
import { problem } from '../../lib/problems.js';
import type { PipelineTrace } from '../trace.js';
import type { Locator, Path } from '../../lib/yaml/locator.js';
import type { StartKeys } from './starts-schema.js';

/** The model's providerType for a trigger on Meridian's git source; a connection action's is `CodeStarSourceConnection`. */
export const NATIVE_TRIGGER_PROVIDER = 'GitHub';

/** The source action the start keys are written on. */
export interface StartSubject {
  name: string;
  /** The configuration key holding the branch, when the action has one (`Branch`, `BranchName`). */
  branchKey?: string;
  /** Where the branch is written, for the default filter's position. */
  branchPath?: Path;
  providerType: string;
  /** `on:` needs a `webhook:` to receive anything (Meridian's own git source has no other delivery). */
  onNeedsWebhook: boolean;
}

export interface SourceStarts {
  webhooks: PipelineWebhook[];
  triggers: PipelineTrigger[];
  polls: SourcePoll[];
}

export interface StartsContext {
  locator: Locator;
  trace: PipelineTrace;
  problems: Problem[];
}

const SECONDS_PER_UNIT: Record<string, number> = { s: 1, m: 60, h: 3600 };

export function compileSourceStarts(subject: StartSubject, source: StartKeys, path: Path, starts: SourceStarts, ctx: StartsContext): void {
  const { locator, trace } = ctx;
  const { name } = subject;
  // Lists and mappings are pointed at by their key, patterns by their value.
  const record = (field: string, at: Path, byKey = false): void => {
    if (locator.has(at)) trace.fields[field] = byKey ? locator.keyAt(at) : locator.at(at);
  };
  if (source.on !== undefined) {
    const at = `triggers.${starts.triggers.length}`;
    const onPath = [...path, 'on'];
    trace.fields[at] = locator.keyAt(onPath);
    trace.fields[`${at}.sourceActionName`] = locator.keyAt(path);
    record(`${at}.push`, onPath, true);
    const push = source.on.map((filter, j): GitPushFilter => {
      const filterPath = [...onPath, j];
      record(`${at}.push.${j}`, filterPath);
      const compiled: GitPushFilter = {};
      for (const [key, field] of [
        ['branches', 'branches'],
        ['tags', 'tags'],
        ['paths', 'filePaths'],
      ] as const) {
        const written = filter[key];
        if (written === undefined) continue;
        compiled[field] = criteria(written, [...filterPath, key], `${at}.push.${j}.${field}`, record);
      }
      return compiled;
    });
    starts.triggers.push({ providerType: subject.providerType, sourceActionName: name, push, location: locator.keyAt(onPath) });
    if (subject.onNeedsWebhook && (source.webhook === undefined || source.webhook === false)) {
      ctx.problems.push(
        problem(
          locator.keyAt(onPath),
          '`on:` filters webhook deliveries, but this source has no `webhook:`',
          'add `webhook: { secret: { parameter: /NAME } }` to the source',
        ),
      );
    }
  }
  if (source.webhook !== undefined && source.webhook !== false) {
    const webhook = compileWebhook(subject, source, path, starts.webhooks.length, ctx);
    if (webhook) starts.webhooks.push(webhook);
  }
  if (source.poll !== undefined && source.poll !== false) {
    const pollPath = [...path, 'poll'];
    trace.fields[`polls.${starts.polls.length}`] = locator.at(pollPath);
    starts.polls.push({ sourceActionName: name, intervalSeconds: pollSeconds(source.poll) });
  }
}

function criteria(
  written: string[] | { includes?: string[] | undefined; excludes?: string[] | undefined },
  path: Path,
  field: string,
  record: (field: string, at: Path, byKey?: boolean) => void,
): FilterCriteria {
  record(field, path, true);
  if (Array.isArray(written)) {
    record(`${field}.includes`, path, true);
    written.forEach((_, k) => record(`${field}.includes.${k}`, [...path, k]));
    return { includes: [...written], excludes: [] };
  }
  const out: FilterCriteria = { includes: [], excludes: [] };
  for (const list of ['includes', 'excludes'] as const) {
    const patterns = written[list];
    if (patterns === undefined) continue;
    record(`${field}.${list}`, [...path, list], true);
    patterns.forEach((_, k) => record(`${field}.${list}.${k}`, [...path, list, k]));
    out[list] = [...patterns];
  }
  return out;
}

function compileWebhook(subject: StartSubject, source: StartKeys, path: Path, index: number, ctx: StartsContext): PipelineWebhook | undefined {
  const { locator, trace, problems } = ctx;
  const { name } = subject;
  const webhookPath = [...path, 'webhook'];
  const at = `webhooks.${index}`;
  const where = locator.keyAt(webhookPath);
  trace.fields[at] = where;
  trace.fields[`${at}.targetAction`] = locator.keyAt(path);
  const how =
    'write `webhook: { secret: { parameter: /NAME } }` (GitHub signs deliveries with it), `webhook: { allowedIpRange: CIDR }` or `webhook: { unauthenticated: true }`';
  if (source.webhook === true) {
    problems.push(problem(locator.at(webhookPath), 'say how webhook deliveries are authenticated', how));
    return undefined;
  }
  const written = source.webhook;
  if (written === undefined || written === false) return undefined;
  const record = (field: string, key: string): void => {
    if (locator.has([...webhookPath, key])) trace.fields[`${at}.${field}`] = locator.at([...webhookPath, key]);
  };
  record('secret', 'secret');
  record('allowedIpRange', 'allowedIpRange');
  record('name', 'name');
  const chosen = (['secret', 'allowedIpRange', 'unauthenticated'] as const).filter((key) =>
    key === 'unauthenticated' ? written.unauthenticated === true : written[key] !== undefined,
  );
  if (chosen.length === 0) {
    problems.push(
      problem(
        where,
        written.unauthenticated === false ? '`unauthenticated: false` needs a `secret` or an `allowedIpRange`' : 'say how webhook deliveries are authenticated',
        how,
      ),
    );
    return undefined;
  }
  if (chosen.length > 1) {
    problems.push(
      problem(
        locator.keyAt([...webhookPath, chosen[1]!]),
        `a webhook takes one of \`secret\`, \`allowedIpRange\` and \`unauthenticated\`; this one has \`${chosen[0]!}\` and \`${chosen[1]!}\``,
        `keep one: \`secret\` (GitHub signs deliveries) is the safe choice`,
      ),
    );
    return undefined;
  }
  const webhook: PipelineWebhook = {
    name: written.name ?? name,
    authentication: chosen[0] === 'secret' ? 'GITHUB_HMAC' : chosen[0] === 'allowedIpRange' ? 'IP' : 'UNAUTHENTICATED',
    filters: [],
    targetAction: name,
    location: where,
  };
  if (written.secret !== undefined) webhook.secret = secretOf(written.secret);
  if (written.allowedIpRange !== undefined) webhook.allowedIpRange = written.allowedIpRange;

  const filtersPath = [...webhookPath, 'filters'];
  if (written.filters !== undefined) {
    trace.fields[`${at}.filters`] = locator.keyAt(filtersPath);
    written.filters.forEach((filter, k) => {
      const itemPath = [...filtersPath, k];
      trace.fields[`${at}.filters.${k}`] = locator.at(itemPath);
      trace.fields[`${at}.filters.${k}.jsonPath`] = locator.at([...itemPath, 'jsonPath']);
      if (locator.has([...itemPath, 'matchEquals'])) trace.fields[`${at}.filters.${k}.matchEquals`] = locator.at([...itemPath, 'matchEquals']);
      webhook.filters.push(filter.matchEquals === undefined ? { jsonPath: filter.jsonPath } : { jsonPath: filter.jsonPath, matchEquals: filter.matchEquals });
    });
  } else if (source.on === undefined && subject.branchKey !== undefined) {
    // CodePipeline's canonical filter: only pushes to the source's branch.
    if (subject.branchPath) trace.fields[`${at}.filters.0`] = locator.at(subject.branchPath);
    webhook.filters.push({ jsonPath: '$.ref', matchEquals: `refs/heads/{${subject.branchKey}}` });
  } else if (source.on === undefined) {
    problems.push(
      problem(
        where,
        'this webhook would start the pipeline for a push to any branch, and build the default branch',
        'give the source a `branch:` (pushes to it start the pipeline), list `filters:`, or say which pushes start it with `on:` push filters',
      ),
    );
    return undefined;
  }
  return webhook;
}

function secretOf(written: string | { parameter: string } | { secret: string }): WebhookSecret {
  if (typeof written === 'string') return { kind: 'plain', value: written };
  return 'parameter' in written ? { kind: 'parameter', name: written.parameter } : { kind: 'secret', reference: written.secret };
}

function pollSeconds(poll: true | number | string): number {
  if (poll === true) return DEFAULT_POLL_SECONDS;
  if (typeof poll === 'number') return poll;
  const unit = poll.slice(-1);
  return Number(poll.slice(0, -1)) * (SECONDS_PER_UNIT[unit] ?? 1);
}

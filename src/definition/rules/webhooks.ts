/**
 * Webhooks (CFN-WH): the target is a source action of the first stage; at most five
 * filters, each a JsonPath (starting with `$`) of 1–150 characters and a MatchEquals of
 * 1–150 whose `{Key}` placeholders are configuration keys of the target action; a secret
 * or IP range of 1–100 characters, the range a CIDR; names of `[A-Za-z0-9.@-_]`, unique.
 * Polls name a source action of the first stage and poll at most once a second.
 */
import { isIP } from 'node:net';
import type { Problem } from '../../domain/errors.js';
import { problem } from '../../lib/problems.js';
import { didYouMean, listWords } from '../../lib/suggest.js';
import { byFormat, type Rule } from './rule.js';
import { firstStageSources, sourceActionProblem } from './source-actions.js';

const MAX_FILTERS = 5;
const MAX_FILTER_TEXT = 150;
const MAX_AUTH_TEXT = 100;
const NAME = /^[A-Za-z0-9.@_-]{1,100}$/;
const PLACEHOLDER = /\{([^{}]*)\}/g;

export const webhooks: Rule = (pipeline, locate) => {
  const problems: Problem[] = [];
  const names = new Map<string, number>();
  const spell = (native: string, template: string): string => byFormat(pipeline, { native, template, json: native });
  pipeline.webhooks.forEach((webhook, i) => {
    const at = (field?: string): ReturnType<typeof locate.pipeline> => locate.pipeline(field === undefined ? `webhooks.${i}` : `webhooks.${i}.${field}`);
    if (!NAME.test(webhook.name)) {
      problems.push(problem(at('name'), `webhook name \`${webhook.name}\` is not valid: use 1 to 100 letters, digits, \`.\`, \`@\`, \`-\` and \`_\``));
    } else if (names.has(webhook.name)) {
      problems.push(
        problem(
          at('name'),
          `webhook name ${webhook.name} is already used by the webhook at line ${locate.pipeline(`webhooks.${names.get(webhook.name)!}`).line}`,
          'webhook names must be unique: rename one of them',
        ),
      );
    } else {
      names.set(webhook.name, i);
    }

    const found = sourceActionProblem(pipeline, webhook.targetAction, spell('source', 'TargetAction'));
    if (found) problems.push(problem(at('targetAction'), found.message, found.hint));
    const target = firstStageSources(pipeline).find((action) => action.name === webhook.targetAction);

    if (webhook.filters.length > MAX_FILTERS) {
      problems.push(
        problem(
          at(`filters.${MAX_FILTERS}`),
          `a webhook takes at most ${MAX_FILTERS} filters; this one has ${webhook.filters.length}`,
          'every filter must match, so keep the ones that decide',
        ),
      );
    }
    webhook.filters.forEach((filter, k) => {
      const { jsonPath, matchEquals } = filter;
      if (jsonPath.length < 1 || jsonPath.length > MAX_FILTER_TEXT || !jsonPath.startsWith('$')) {
        problems.push(
          problem(
            at(`filters.${k}.jsonPath`),
            `JsonPath \`${jsonPath}\` is not valid: a JSONPath starts with \`$\` and has 1 to ${MAX_FILTER_TEXT} characters`,
            'e.g. `$.ref`',
          ),
        );
      }
      if (matchEquals === undefined) return;
      if (matchEquals.length < 1 || matchEquals.length > MAX_FILTER_TEXT) {
        problems.push(problem(at(`filters.${k}.matchEquals`), `MatchEquals has 1 to ${MAX_FILTER_TEXT} characters (this one has ${matchEquals.length})`));
      }
      if (!target) return;
      const keys = Object.keys(target.configuration);
      for (const match of matchEquals.matchAll(PLACEHOLDER)) {
        const key = match[1]!;
        if (keys.includes(key)) continue;
        const hint =
          didYouMean(key, keys) ??
          byFormat(pipeline, {
            native: key === 'Branch' ? 'give the source a `branch:`' : `{${key}} is replaced by the source's configuration ${key}, which it does not have`,
            template: keys.length > 0 ? `{Key} is replaced by the target action's configuration: ${listWords(keys)}` : 'the target action has no configuration',
            json: keys.length > 0 ? `{Key} is replaced by the target action's configuration: ${listWords(keys)}` : 'the target action has no configuration',
          });
        problems.push(problem(at(`filters.${k}.matchEquals`), `\`{${key}}\` in MatchEquals names no configuration key of action ${target.name}`, hint));
      }
    });

    const secret = webhook.secret;
    if (secret?.kind === 'plain' && (secret.value.length < 1 || secret.value.length > MAX_AUTH_TEXT)) {
      problems.push(
        problem(at('secret'), `a webhook secret has 1 to ${MAX_AUTH_TEXT} characters (this one has ${secret.value.length})`, 'use a shorter secret'),
      );
    }
    // The API shows a redacted secret as `****` (domain/secret-fields.ts): one copied back from it would let anyone sign.
    if (secret?.kind === 'plain' && /^\*+$/.test(secret.value))
      problems.push(
        problem(
          at('secret'),
          'a webhook secret of only `*` is what Meridian shows for a redacted secret, not a secret',
          'write the real secret, or keep it in the parameter or secret store',
        ),
      );
    const range = webhook.allowedIpRange;
    if (range !== undefined && (range.length > MAX_AUTH_TEXT || !isCidr(range))) {
      problems.push(
        problem(at('allowedIpRange'), `\`${range}\` is not an IP range in CIDR notation`, 'e.g. `192.0.2.0/24`, `203.0.113.7/32` or `2001:db8::/32`'),
      );
    }
  });

  pipeline.polls.forEach((poll, i) => {
    const where = locate.pipeline(`polls.${i}`);
    const found = sourceActionProblem(pipeline, poll.sourceActionName, spell('source', 'source action'));
    if (found) problems.push(problem(where, found.message, found.hint));
    if (!Number.isInteger(poll.intervalSeconds) || poll.intervalSeconds < 1) {
      problems.push(problem(where, `a poll interval is a whole number of seconds, at least 1 (this one is ${poll.intervalSeconds})`, 'e.g. `poll: 60s`'));
    }
  });
  return problems;
};

export function isCidr(text: string): boolean {
  const slash = text.indexOf('/');
  if (slash < 0) return false;
  const address = text.slice(0, slash);
  const bits = text.slice(slash + 1);
  const family = isIP(address);
  if (family === 0 || !/^\d{1,3}$/.test(bits)) return false;
  return Number(bits) <= (family === 4 ? 32 : 128);
}

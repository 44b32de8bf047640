/**
 * What starts a native source (see source-triggers.ts): `webhook:`, `on:` push filters and
 * `poll:`. Written on a `sources:` entry, or on a source action of the first stage.
 */
import { z } from 'zod';

const nonEmpty = (what: string) => z.string().min(1, { error: `${what} must not be empty` });

/** `60s`, `5m`, `1h`: a poll interval. */
export const POLL_INTERVAL = /^\d+(s|m|h)$/;

const patterns = z
  .array(z.string())
  .describe("Glob patterns (CodePipeline's rules: `*` stays within a path segment, `**` crosses them); 1-8 of 1-255 characters.");
const filterCriteriaSchema = z
  .union([patterns, z.strictObject({ includes: patterns.optional(), excludes: patterns.optional() })], {
    error: 'write a list of patterns, or `{ includes: [...], excludes: [...] }`',
  })
  .describe('A list of patterns to include, or `{ includes, excludes }` (excludes win).');

export const pushFilterSchema = z
  .strictObject({
    branches: filterCriteriaSchema.optional().describe('Branch name patterns, e.g. [main, "release/**"].'),
    tags: filterCriteriaSchema.optional().describe('Tag patterns, e.g. ["v*"]. Not combined with branches or paths.'),
    paths: filterCriteriaSchema.optional().describe('Changed file patterns; needs `branches` in the same filter.'),
  })
  .describe('A V2 push filter: tags, branches, or branches with paths.');

export const webhookSecretSchema = z
  .union(
    [
      nonEmpty('`secret`'),
      z.strictObject({ parameter: nonEmpty('`parameter`').describe('Parameter-store name holding the secret.') }),
      z.strictObject({ secret: nonEmpty('`secret`').describe('Secret reference `id[:json-key]`.') }),
    ],
    { error: 'a webhook secret is `{ parameter: /name }`, `{ secret: id:key }` or the secret itself' },
  )
  .describe('The HMAC secret GitHub signs deliveries with (X-Hub-Signature-256).');

const webhookSchema = z
  .union(
    [
      z.boolean(),
      z.strictObject({
        secret: webhookSecretSchema.optional(),
        allowedIpRange: nonEmpty('`allowedIpRange`').optional().describe('Accept deliveries from this CIDR range only (no signature).'),
        unauthenticated: z.boolean().optional().describe('Accept every delivery, signed or not.'),
        filters: z
          .array(
            z.strictObject({
              jsonPath: z.string().describe('JSONPath into the delivery, e.g. $.ref.'),
              matchEquals: z.string().optional().describe("Value it must equal; `{Branch}` is the source's branch."),
            }),
          )
          .optional()
          .describe('Every filter must match (default with `branch:`: $.ref equals refs/heads/{Branch}).'),
        name: z.string().optional().describe("Webhook name (default: the source's name)."),
      }),
    ],
    { error: 'a webhook is `{ secret: ... }`, `{ allowedIpRange: CIDR }` or `{ unauthenticated: true }`' },
  )
  .describe('Start an execution on a GitHub push delivered to POST /webhooks/github/<pipeline>.');

/** The keys a source (or a first-stage source action) may take to say what starts it. */
export const startKeys = {
  webhook: webhookSchema.optional(),
  on: z.array(pushFilterSchema).optional().describe('Push filters (1-3, OR-ed) deciding which webhook deliveries start the pipeline, as V2 triggers.'),
  poll: z
    .union([z.boolean(), z.number(), z.string().regex(POLL_INTERVAL, 'write an interval such as 60s, 5m or 1h')])
    .optional()
    .describe('Poll the repository (git ls-remote) every interval and start an execution per new commit: 60s, 5m, 1h, a number of seconds, or true (60s).'),
};

export type StartKeys = { [K in keyof typeof startKeys]?: z.infer<(typeof startKeys)[K]> };

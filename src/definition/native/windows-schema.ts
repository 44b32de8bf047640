/**
 * The native format's `windows:` (pipeline level and per region) and `rollout:`, as zod
 * schemas (schema.ts includes them). The texts inside are checked by the window parsers in
 * windows.ts, which point at the exact character.
 */
import { z } from 'zod';

/** `90s`, `10m`, `1.5h`, `2d`. */
const DURATION_TEXT = /^\d+(\.\d+)?(s|m|h|d)$/;

export const windowTextSchema = z
  .union(
    [
      z.string().describe('`Mon-Fri 01:00-05:00`, a Quartz cron such as `0 0 1-4 ? * MON-FRI *`, or dates `2026-12-20 to 2027-01-04`.'),
      z.strictObject({
        when: z.string().describe('The window: friendly weekly form, Quartz cron, or one-off dates.'),
        reason: z.string().optional().describe('Why (shown while a deny window keeps a region closed).'),
        timezone: z.string().optional().describe("Read the window in this zone instead of the region's."),
      }),
    ],
    { error: 'a window is a text such as "Mon-Fri 01:00-05:00", or `{ when: TEXT, reason: TEXT }`' },
  )
  .describe("A window in the region's time zone.");

const windowListSchema = z.union([windowTextSchema, z.array(windowTextSchema)], { error: 'write a window or a list of windows' });

const windowListsShape = {
  allow: windowListSchema.optional().describe('When regions accept deployments (each in its own time zone). None: always, except deny windows.'),
  deny: windowListSchema.optional().describe('Freezes: deny wins over allow. Give each a `reason`.'),
};

export const POLICIES = ['always', 'disruptive-only'] as const;

export const windowsSchema = z
  .union(
    [
      z.enum(POLICIES),
      z.strictObject({
        policy: z
          .enum(POLICIES)
          .optional()
          .describe(
            '`always` (default): every execution waits for windows; `disruptive-only`: only disruptive executions (run --disruptive, an API start with "disruptive": true, or a `Deploy-Window: required` commit trailer).',
          ),
        ...windowListsShape,
      }),
    ],
    { error: 'windows is `always`, `disruptive-only`, or `{ policy, allow, deny }`' },
  )
  .describe("Deployment windows of every region, read in each region's own time zone.");

export const regionWindowsSchema = z
  .strictObject(windowListsShape)
  .describe("This region's windows: its `allow` replaces the pipeline's; its `deny` adds to the pipeline's.");

const durationSchema = z.string().regex(DURATION_TEXT, 'write a duration such as 90s, 10m, 2h or 1d');

export const rolloutSchema = z
  .strictObject({
    waves: z
      .array(z.array(z.string()).min(1, { error: 'a wave needs at least one region' }))
      .min(1)
      .describe('Regions in waves, e.g. [[ap-southeast-2], [eu-west-1, us-east-1]].'),
    bake: durationSchema.optional().describe('How long each wave bakes (health checks keep passing) before the next wave: 30m. Default 0.'),
    checks: z
      .array(
        z.union(
          [
            z.strictObject({ http: z.string().describe('URL that must answer 2xx; ${region} is replaced.') }),
            z.strictObject({ command: z.string().describe('Shell command that must exit 0.') }),
          ],
          { error: 'a check is `{ http: URL }` or `{ command: TEXT }`' },
        ),
      )
      .optional()
      .describe('Health checks during the bake; all must pass.'),
    rollback: z.enum(['region', 'wave', 'all-previous']).optional().describe('What a failed check rolls back. Default region.'),
    maxParallel: z.number().int().min(1).optional().describe('How many regions of a wave deploy at once. Default: all.'),
  })
  .describe('Roll out region by region: waves, bake time, health checks, rollback.');

export const expectedDurationSchema = durationSchema.describe(
  'How long the action usually takes, for the window fit check (default: the median of its last successful runs).',
);

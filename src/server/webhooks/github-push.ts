/**
 * The parts of a GitHub `push` delivery Meridian reads (docs/aws-behaviour.md §5.1). A payload without
 * them is refused with the field named, before anything is stored.
 */
import { z } from 'zod';

const sha = z.string().regex(/^[0-9a-f]{40}$/, 'must be a 40-character commit id');
const paths = z.array(z.string()).optional().default([]);

const pushSchema = z.object({
  ref: z.string().regex(/^refs\/(heads|tags)\/.+/, 'must be refs/heads/<branch> or refs/tags/<tag>'),
  before: sha.optional(),
  after: sha,
  deleted: z.boolean().optional().default(false),
  commits: z
    .array(z.object({ id: z.string(), message: z.string().optional(), added: paths, modified: paths, removed: paths }))
    .optional()
    .default([]),
  head_commit: z.object({ id: z.string(), message: z.string().optional() }).nullable().optional(),
  repository: z.object({ full_name: z.string().optional(), clone_url: z.string().optional() }).optional(),
});

export interface GithubPush {
  ref: string;
  /** `branch` or `tag`, from `ref`. */
  kind: 'branch' | 'tag';
  /** The branch or tag name. */
  name: string;
  /** The pushed commit: the revision to build. */
  after: string;
  deleted: boolean;
  /** Every path added, modified or removed by the pushed commits. */
  changedFiles: string[];
  headMessage: string;
  repository: string;
  /** The whole payload, for JsonPath filters. */
  payload: unknown;
}

export type PushParse = { ok: true; push: GithubPush } | { ok: false; field: string; message: string };

export function parsePush(payload: unknown): PushParse {
  const result = pushSchema.safeParse(payload);
  if (!result.success) {
    const issue = result.error.issues[0];
    return { ok: false, field: issue && issue.path.length > 0 ? issue.path.join('.') : 'body', message: issue?.message ?? 'not a push payload' };
  }
  const data = result.data;
  const kind = data.ref.startsWith('refs/tags/') ? 'tag' : 'branch';
  const changed = new Set<string>();
  for (const commit of data.commits) for (const file of [...commit.added, ...commit.modified, ...commit.removed]) changed.add(file);
  return {
    ok: true,
    push: {
      ref: data.ref,
      kind,
      name: data.ref.replace(/^refs\/(heads|tags)\//, ''),
      after: data.after,
      deleted: data.deleted || /^0{40}$/.test(data.after),
      changedFiles: [...changed],
      headMessage: data.head_commit?.message ?? data.commits.at(-1)?.message ?? '',
      repository: data.repository?.full_name ?? '',
      payload,
    },
  };
}

/**
 * Reading `artifact::path` files out of the action's unpacked input artifacts, each at most
 * MAX_ARTIFACT_FILE_BYTES: CloudFormation takes a template of at most 1 MB (from S3; 51,200
 * bytes in the request), and a larger file would only make the parser hold the event loop.
 */
import { relative, resolve, sep } from 'node:path';
import { MeridianError } from '../../domain/errors.js';
import { bytesText, readTextWithin, type BoundedText } from '../../lib/bounded-read.js';
import type { ActionContext } from '../provider.js';
import type { ArtifactPath } from './configuration.js';

/** The folder of an input artifact; fails naming the inputs the action does have. */
export function inputFolder(ctx: ActionContext, artifact: string, purpose: string): string {
  const folder = ctx.inputs.get(artifact);
  if (folder !== undefined) return folder;
  const names = [...ctx.inputs.keys()];
  throw new MeridianError('ACTION_FAILED', `${purpose} names artifact ${artifact}, which is not an input of this action in ${ctx.action.region}`, {
    fault: 'user',
    details: {
      hint: names.length === 0 ? `add ${artifact} to the action's input artifacts` : `use one of ${names.join(', ')}, or add ${artifact} as an input`,
    },
  });
}

export const MAX_ARTIFACT_FILE_BYTES = 1024 * 1024;

export async function readArtifactFile(ctx: ActionContext, ref: ArtifactPath, purpose: string): Promise<string> {
  const folder = inputFolder(ctx, ref.artifact, purpose);
  const file = resolve(folder, ref.path);
  const inside = relative(folder, file);
  if (inside === '' || inside.startsWith('..') || inside.startsWith(sep)) {
    throw new MeridianError('ACTION_FAILED', `${purpose} ${ref.artifact}::${ref.path} points outside artifact ${ref.artifact}`, { fault: 'user' });
  }
  let read: BoundedText;
  try {
    read = await readTextWithin(file, MAX_ARTIFACT_FILE_BYTES);
  } catch (error) {
    throw new MeridianError(
      'ACTION_FAILED',
      `${purpose} ${ref.path} is not in artifact ${ref.artifact} (action ${ctx.action.name} in ${ctx.action.region}); ` +
        `check the path and that the action producing ${ref.artifact} puts the file there`,
      { fault: 'user', cause: error },
    );
  }
  if ('text' in read) return read.text;
  throw new MeridianError(
    'ACTION_FAILED',
    `${purpose} ${ref.artifact}::${ref.path} is ${bytesText(read.tooLarge.size)}; Meridian reads at most ${bytesText(MAX_ARTIFACT_FILE_BYTES)}, ` +
      `as CloudFormation takes a template of at most 1 MB (action ${ctx.action.name} in ${ctx.action.region})`,
    { fault: 'user', details: { file: `${ref.artifact}::${ref.path}`, size: read.tooLarge.size, limit: MAX_ARTIFACT_FILE_BYTES } },
  );
}

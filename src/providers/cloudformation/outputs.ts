/** Stack Outputs as output variables and, with OutputFileName, as a JSON file in the output artifact. */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Stack } from '@aws-sdk/client-cloudformation';
import type { ActionContext } from '../provider.js';

export function stackOutputs(stack: Stack | undefined): Record<string, string> {
  const outputs: Record<string, string> = {};
  for (const output of stack?.Outputs ?? []) {
    if (output.OutputKey !== undefined) outputs[output.OutputKey] = output.OutputValue ?? '';
  }
  return outputs;
}

/** The file `Fn::GetParam` of a later action reads: `{ "OutputKey": "OutputValue" }`. */
export async function writeOutputFile(ctx: ActionContext, fileName: string, outputs: Record<string, string>): Promise<void> {
  const [artifact] = ctx.action.outputArtifacts;
  if (artifact === undefined) return;
  const dir = await ctx.outputDir(artifact);
  await writeFile(join(dir, fileName), `${JSON.stringify(outputs, null, 2)}\n`);
}

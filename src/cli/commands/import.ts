import fs from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { importPipeline } from '../../definition/convert/import-pipeline.js';
import { MeridianError } from '../../domain/errors.js';
import { STATE_DIR_FLAGS, STATE_DIR_HELP } from '../state-dir.js';
import type { RegisterCommand } from './index.js';
import { loadForInspection } from './validate.js';

const HELP = `
Reads a CloudFormation template holding an AWS::CodePipeline::Pipeline (or the JSON of
\`aws codepipeline get-pipeline\`) and writes the same pipeline in the native format:
actions repeated once per region become one entry of a \`forEach\` stage (with \`\${region}\`
or a region value such as \`\${region.code}\`), CodeBuild projects stay under \`resources:\`,
webhooks, triggers and polls move onto their source. The result is compiled before it is
written and must give the same pipeline; settings with no meaning for Meridian are listed
in a comment at the top. The file is checked first: problems are reported as FILE:LINE:COL.
`;

export const registerImport: RegisterCommand = (program: Command, io) => {
  program
    .command('import')
    .description('turn a CodePipeline definition into a native meridian.yaml that compiles to the same pipeline')
    .argument('<file>', 'a CloudFormation template or get-pipeline JSON')
    .option('--pipeline <name>', 'which pipeline, when the template holds several')
    .option('-o, --output <file>', 'write the native definition here instead of stdout')
    .option(STATE_DIR_FLAGS, STATE_DIR_HELP)
    .addHelpText('after', HELP)
    .action(async (file: string, options: { pipeline?: string; output?: string; stateDir?: string }) => {
      const original = await loadForInspection(file, options.pipeline, options.stateDir);
      const text = await fs.readFile(file, 'utf8');
      const output = path.resolve(options.output ?? 'meridian.yaml');
      const result = importPipeline(original, { text, file, outputFile: output });
      if (options.output === undefined) {
        io.out(result.text);
        return;
      }
      try {
        await fs.writeFile(output, result.text);
      } catch (cause) {
        throw new MeridianError('BAD_INPUT', `cannot write ${options.output}: ${(cause as Error).message}`, { cause });
      }
      const actions = result.compiled.stages.reduce((n, stage) => n + stage.actions.length, 0);
      io.out(
        `${options.output}: pipeline ${original.name}, ${result.compiled.stages.length} stages, ${actions} actions${result.collapsed ? '' : ' (written action by action)'}; it compiles to the same pipeline as ${file}.\n`,
      );
    });
};

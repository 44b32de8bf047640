import fs from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { nativeExtras, toCodePipeline } from '../../definition/convert/to-codepipeline.js';
import { parseYaml } from '../../lib/yaml/parse-yaml.js';
import { MeridianError } from '../../domain/errors.js';
import { STATE_DIR_FLAGS, STATE_DIR_HELP } from '../state-dir.js';
import type { RegisterCommand } from './index.js';
import { loadForInspection } from './validate.js';

const HELP = `
Writes a CloudFormation template AWS CodePipeline accepts: the AWS::CodePipeline::Pipeline
(V2, one artifact store per region, one action per region, runOrders, namespaces, variables,
triggers), the AWS::CodeBuild::Project and AWS::CodePipeline::Webhook resources it needs, and
AWS::SSM::Parameter::Value<String> parameters for per-region buckets. What has no CodePipeline
form (time zones, windows, rollout waves, Meridian's own action types) is exported as its
nearest form and listed in the header comment; time zones, region values, windows and rollout
are kept in the pipeline's Metadata.Meridian, so \`meridian import\` gets them back.
`;

export const registerExport: RegisterCommand = (program: Command, io) => {
  program
    .command('export')
    .description('write a pipeline as a CloudFormation template for AWS CodePipeline')
    .requiredOption('-f, --file <file>', 'the definition (native YAML)')
    .requiredOption('--format <format>', 'the output format: codepipeline')
    .option('--pipeline <name>', 'which pipeline, when the file holds several')
    .option('-o, --output <file>', 'write the template here instead of stdout')
    .option(STATE_DIR_FLAGS, STATE_DIR_HELP)
    .addHelpText('after', HELP)
    .action(async (options: { file: string; format: string; pipeline?: string; output?: string; stateDir?: string }) => {
      if (options.format !== 'codepipeline') throw new MeridianError('BAD_INPUT', `--format ${options.format} is not known; write --format codepipeline`);
      const pipeline = await loadForInspection(options.file, options.pipeline, options.stateDir);
      const text = await fs.readFile(options.file, 'utf8');
      const extras = pipeline.format === 'native' ? nativeExtras(parseYaml(text, options.file).doc.toJS()) : { regionValues: {} };
      const result = toCodePipeline(pipeline, extras, path.basename(options.file));
      if (options.output === undefined) {
        io.out(result.text);
        return;
      }
      try {
        await fs.writeFile(path.resolve(options.output), result.text);
      } catch (cause) {
        throw new MeridianError('BAD_INPUT', `cannot write ${options.output}: ${(cause as Error).message}`, { cause });
      }
      io.out(
        `${options.output}: pipeline ${pipeline.name} as a CloudFormation template${result.notes.length > 0 ? `; ${result.notes.length} change${result.notes.length === 1 ? '' : 's'} listed at its top` : ''}.\n`,
      );
    });
};

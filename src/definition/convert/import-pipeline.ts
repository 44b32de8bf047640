/**
 * `meridian import`: a compiled CodePipeline definition -> native YAML that compiles to the
 * same model. The result is compiled here before it is returned; a collapse that would
 * change the model is undone (the stages are written action by action), and a model the
 * native format cannot hold at all is an error naming the first difference.
 */
import { MeridianError } from '../../domain/errors.js';
import type { Pipeline } from '../../domain/pipeline.js';
import { compileDefinition } from '../load-definition.js';
import { firstDifference } from './model-equality.js';
import { templateExtras } from './template-extras.js';
import { toNative } from './to-native.js';
import { renderYaml } from './yaml-output.js';

export interface ImportOptions {
  /** The original file's text and the name it is shown with. */
  text: string;
  file: string;
  /** Where the native file will be written: relative paths in it resolve from there. */
  outputFile: string;
}

export interface ImportResult {
  text: string;
  /** The native file compiled, equal to the original model. */
  compiled: Pipeline;
  /** Settings not carried over. */
  notes: string[];
  collapsed: boolean;
}

export function importPipeline(original: Pipeline, options: ImportOptions): ImportResult {
  const conditioned = original.stages.find((stage) => stage.conditions !== undefined);
  if (conditioned) {
    const where = conditioned.location ? `${conditioned.location.file}:${conditioned.location.line}:${conditioned.location.col}: ` : '';
    throw new MeridianError(
      'BAD_INPUT',
      `${where}stage ${conditioned.name} has conditions, which the native format cannot write yet; run the file as it is with \`meridian run -f ${options.file}\``,
    );
  }
  const extras = templateExtras(options.text, options.file, original.name);
  extras.notes.push(...clearSecrets(original));
  let difference = '';
  for (const collapse of [true, false]) {
    const data = toNative(original, {
      collapse,
      regionValues: extras.regionValues,
      regionWindows: extras.regionWindows,
      windows: extras.windows,
      rollout: extras.rollout,
    });
    const text = renderYaml(data, { header: header(options.file, extras.notes) });
    let compiled: Pipeline;
    try {
      compiled = compileDefinition(text, options.outputFile);
    } catch (thrown) {
      difference =
        thrown instanceof MeridianError
          ? thrown.problems.map((p) => `${p.location.line}:${p.location.col} ${p.message}`).join('; ') || thrown.message
          : String(thrown);
      continue;
    }
    const found = firstDifference(compiled, original);
    if (found === undefined) return { text, compiled, notes: extras.notes, collapsed: collapse };
    difference = found;
  }
  throw new MeridianError(
    'BAD_INPUT',
    `${options.file}: pipeline ${original.name} cannot be written in the native format without changing it (${difference}); run the file as it is with \`meridian run -f ${options.file}\``,
  );
}

/** Secrets the template resolved to text (through `!ImportValue`, or written so): the native file will hold them. */
function clearSecrets(pipeline: Pipeline): string[] {
  const notes: string[] = [];
  for (const webhook of pipeline.webhooks) {
    if (webhook.secret?.kind === 'plain')
      notes.push(
        `WARNING: the secret of webhook ${webhook.name} is written below in clear; keep it in the parameter store (\`secret: { parameter: /NAME }\`) or the secret store (\`secret: { secret: ID:KEY }\`) instead`,
      );
  }
  for (const action of pipeline.stages[0]?.actions ?? []) {
    const token = action.configuration.OAuthToken;
    if (typeof token === 'string' && !/^\*+$/.test(token) && !token.startsWith('{{resolve:')) {
      notes.push(`WARNING: the OAuthToken of ${action.name} is written below in clear; use \`{{resolve:secretsmanager:ID:SecretString:KEY}}\` instead`);
    }
  }
  return notes;
}

function header(file: string, notes: readonly string[]): string {
  const lines = [` Imported from ${file} by \`meridian import\`: this file compiles to the same pipeline.`];
  if (notes.length > 0) {
    lines.push(' Not carried over (no meaning for Meridian), and what to look at:');
    for (const note of notes) lines.push(`   - ${note}`);
  }
  return lines.join('\n');
}

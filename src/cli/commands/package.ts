import fs from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { MeridianError } from '../../domain/errors.js';
import { checkPrefix, checkRegion, chooseStore, defaultBucket } from '../../packaging/object-location.js';
import { ObjectUploader, type Uploader } from '../../packaging/object-uploader.js';
import { packageTemplate } from '../../packaging/package-template.js';
import { S3ObjectUploader } from '../../packaging/s3-object-uploader.js';
import { artifactStoresFromEnv, stateDirFromEnv, regionFromEnv, s3EndpointFromEnv } from '../environment.js';
import { resolveStateDir, STATE_DIR_FLAGS, STATE_DIR_HELP } from '../state-dir.js';
import type { RegisterCommand } from './index.js';

interface PackageOptions {
  templateFile: string;
  region: string;
  store?: string;
  s3Bucket?: string;
  s3Prefix?: string;
  outputTemplateFile?: string;
  useJson?: boolean;
  forceUpload?: boolean;
  stateDir?: string;
}

const HELP = `
Like \`aws cloudformation package\`, for a region's Meridian artifact store instead of S3.
The properties the AWS CLI packages (Lambda Code, Serverless CodeUri, layers, nested stack
TemplateURL, API and state machine definitions, AppSync templates, Glue scripts, AWS::Include
...) are uploaded to <store>/objects/[<prefix>/]<md5> (nested templates: <md5>.template):
a folder is zipped, relative paths are relative to the template, s3:// and https:// values
and intrinsic functions are left as they are, and a key that exists is not written again.

Store: --store, else the region's store of the running execution (MERIDIAN_ARTIFACT_STORES,
set inside builds), else <state-dir>/stores/<region>.

The template keeps AWS's shapes, with the bucket --s3-bucket or meridian-<region>:
  CodeUri: s3://meridian-eu-west-1/<key>        Code: {S3Bucket: ..., S3Key: <key>}
  TemplateURL: https://s3.eu-west-1.amazonaws.com/meridian-eu-west-1/<key>.template
Meridian's local CloudFormation endpoint resolves these bucket/key pairs to the objects/
folder of the stack's region store; on AWS the same template works with a real bucket.
`;

export const registerPackage: RegisterCommand = (program: Command, io) => {
  program
    .command('package')
    .description("upload a template's local artifacts to a region's artifact store and write the template that points at them")
    .requiredOption('--template-file <file>', 'the CloudFormation or SAM template (YAML or JSON)')
    .option('--region <region>', "whose artifact store receives the objects (default: AWS_REGION, which builds set to the action's region)")
    .option('--store <folder-or-url>', 'the store: a folder (a path or file:// URL) or s3://bucket[/prefix]; overrides the region store')
    .option('--s3-bucket <name>', 'the bucket name written into the template (default meridian-<region>)')
    .option('--s3-prefix <prefix>', 'a prefix for the object keys')
    .option('--output-template-file <file>', 'write the packaged template here instead of stdout')
    .option('--use-json', 'write JSON instead of YAML')
    .option('--force-upload', 'write objects even when their key already exists')
    .option(STATE_DIR_FLAGS, STATE_DIR_HELP)
    .addHelpText('after', HELP)
    .action(async (given: Omit<PackageOptions, 'region'> & { region?: string }) => {
      const region = given.region ?? regionFromEnv();
      if (region === undefined) throw new MeridianError('BAD_INPUT', "say which region's store receives the objects: pass --region REGION");
      const options: PackageOptions = { ...given, region };
      checkRegion(options.region);
      if (options.s3Prefix !== undefined) checkPrefix(options.s3Prefix);
      if (options.s3Bucket !== undefined && (options.s3Bucket === '' || options.s3Bucket.includes('/'))) {
        throw new MeridianError('BAD_INPUT', `--s3-bucket ${JSON.stringify(options.s3Bucket)} is not a bucket name`);
      }
      const executionStores = artifactStoresFromEnv();
      const store = chooseStore({
        region: options.region,
        stateDir: resolveStateDir(options.stateDir ?? stateDirFromEnv()),
        ...(options.store === undefined ? {} : { store: options.store }),
        ...(executionStores === undefined ? {} : { executionStores }),
      });
      if (store.warning !== undefined) io.err(`${store.warning}\n`);
      const log = (line: string): void => io.err(`${line}\n`);
      const force = options.forceUpload === true;
      let uploader: Uploader;
      if (store.s3) {
        // An S3 store: the objects go to that bucket, so the template names it (not --s3-bucket).
        const prefix = [store.s3.prefix, options.s3Prefix].filter((p) => p !== undefined && p !== '').join('/') || undefined;
        const s3Options: ConstructorParameters<typeof S3ObjectUploader>[0] = { region: options.region, bucket: store.s3.bucket, prefix, force, log };
        const endpoint = s3EndpointFromEnv();
        if (endpoint !== undefined) s3Options.endpoint = endpoint;
        uploader = new S3ObjectUploader(s3Options);
      } else {
        uploader = new ObjectUploader({
          storeRoot: store.root,
          bucket: options.s3Bucket ?? defaultBucket(options.region),
          prefix: options.s3Prefix,
          force,
          log,
        });
      }
      const text = await packageTemplate({
        templateFile: options.templateFile,
        region: options.region,
        uploader,
        format: options.useJson ? 'json' : 'yaml',
      });
      if (options.outputTemplateFile === undefined) {
        io.out(text);
        return;
      }
      const output = path.resolve(options.outputTemplateFile);
      try {
        await fs.writeFile(output, text);
      } catch (cause) {
        throw new MeridianError('BAD_INPUT', `cannot write --output-template-file ${output}: ${(cause as Error).message}`, { cause });
      }
      io.out(`Successfully packaged artifacts and wrote output template to file ${options.outputTemplateFile}.\n`);
    });
};

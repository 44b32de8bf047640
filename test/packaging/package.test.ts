/**
 * `meridian package` against `aws cloudformation package` (reference section 4; the CLI's
 * artifact_exporter.py and s3uploader.py): real templates in temp folders, the real CLI
 * bundle in a child process, objects checked on disk.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/temp.js';
import { copyFixture, keyOfUrl, md5, meridianPackage, objectFile, objectKeys, ok, readTemplate, unzipped } from './helpers.js';

const BUCKET = 'meridian-eu-west-1';

async function packageProject(extra: string[] = []): Promise<{ dir: string; stateDir: string; store: string; stdout: string; stderr: string }> {
  const dir = copyFixture('project');
  const stateDir = tempDir();
  const result = ok(
    await meridianPackage([
      '--template-file',
      path.join(dir, 'template.yaml'),
      '--region',
      'eu-west-1',
      '--state-dir',
      stateDir,
      '--s3-prefix',
      'service-x',
      ...extra,
    ]),
  );
  return { dir, stateDir, store: path.join(stateDir, 'stores', 'eu-west-1'), stdout: result.stdout, stderr: result.stderr };
}

describe('meridian package: what the AWS CLI uploads and writes', () => {
  it('zips a folder CodeUri and keys the object by the MD5 of the zip, under --s3-prefix (CLI: folder => zip; upload_with_dedup)', async () => {
    const { store, stdout, stderr } = await packageProject();
    const codeUri = readTemplate(stdout).Resources.Api?.Properties.CodeUri;
    const key = keyOfUrl(codeUri, BUCKET);
    expect(key).toMatch(/^service-x\/[0-9a-f]{32}$/);
    const file = objectFile(store, key);
    expect(md5(file)).toBe(key.slice('service-x/'.length));
    expect(await unzipped(file)).toEqual({
      'handler.js': fs.readFileSync(path.join(import.meta.dirname, '../fixtures/packaging/project/src/handler.js'), 'utf8'),
      'lib/greet.js': 'export const greet = (name) => `hello from ${name}`;\n',
    });
    // The CLI reports each upload by key; the template stays alone on stdout.
    expect(stderr).toContain(`Uploading to ${key}  `);
    expect(stdout).not.toContain('Uploading');
    // A comment written after the path survives the rewrite.
    expect(stdout).toContain(`CodeUri: ${String(codeUri)} # the service code`);
  });

  it('zips a single-file Lambda Code and writes {S3Bucket, S3Key} (CLI: FORCE_ZIP, ResourceWithS3UrlDict)', async () => {
    const { store, stdout } = await packageProject();
    const code = readTemplate(stdout).Resources.Worker?.Properties.Code as Record<string, string>;
    expect(Object.keys(code)).toEqual(['S3Bucket', 'S3Key']);
    expect(code.S3Bucket).toBe(BUCKET);
    expect(await unzipped(objectFile(store, code.S3Key ?? ''))).toEqual({ 'worker.js': "exports.handler = async () => 'worked';\n" });
  });

  it('leaves s3:// values and intrinsic functions alone and keeps short-form tags (CLI: is_s3_url; dict values are not exported)', async () => {
    const { stdout } = await packageProject();
    expect(stdout).toContain('CodeUri: s3://some-bucket/legacy.zip');
    expect(stdout).toContain('CodeUri: !Ref CodeLocation');
    expect(stdout).toContain('Role: !GetAtt ApiRole.Arn');
    expect(stdout).toContain("TABLE: !Sub '${AWS::StackName}-table'");
    expect(stdout).toContain('Value: !GetAtt Api.Arn');
    // Everything else is the template as written, comments included.
    expect(stdout).toContain('# A single file: zipped anyway (Lambda needs a zip).');
  });

  it('packages a nested stack recursively: its own CodeUri uploaded, the nested template uploaded as <md5>.template with a path-style URL (CLI: CloudFormationStackResource)', async () => {
    const { store, stdout } = await packageProject();
    const url = String(readTemplate(stdout).Resources.Nested?.Properties.TemplateURL);
    const match = /^https:\/\/s3\.eu-west-1\.amazonaws\.com\/meridian-eu-west-1\/(service-x\/([0-9a-f]{32})\.template)$/.exec(url);
    expect(match, url).not.toBeNull();
    const nestedFile = objectFile(store, match?.[1] ?? '');
    expect(md5(nestedFile)).toBe(match?.[2]);
    const nestedText = fs.readFileSync(nestedFile, 'utf8');
    const nested = readTemplate(nestedText);
    const nestedKey = keyOfUrl(nested.Resources.Reporter?.Properties.CodeUri, BUCKET);
    expect(await unzipped(objectFile(store, nestedKey))).toEqual({ 'app.js': "exports.handler = async () => 'reported';\n" });
    expect(nestedText).toContain('Tracing: !If');
  });

  it('uploads an AWS::Include Location file as it is and writes its s3:// URL (CLI: include_transform_export_handler)', async () => {
    const { dir, store, stdout } = await packageProject();
    const include = readTemplate(stdout).Resources.ApiRole?.Properties.AssumeRolePolicyDocument as { 'Fn::Transform': { Parameters: { Location: string } } };
    const key = keyOfUrl(include['Fn::Transform'].Parameters.Location, BUCKET);
    expect(fs.readFileSync(objectFile(store, key), 'utf8')).toBe(fs.readFileSync(path.join(dir, 'include/trust.yaml'), 'utf8'));
    expect(objectKeys(store)).toHaveLength(5);
  });

  it('reports every path that does not exist with the resource, property and path, exits 2 and uploads nothing (CLI: InvalidLocalPathError)', async () => {
    const dir = copyFixture('missing');
    const stateDir = tempDir();
    const template = path.join(dir, 'template.yaml');
    const result = await meridianPackage(['--template-file', template, '--region', 'eu-west-1', '--state-dir', stateDir]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(
      `${template}:7:16: resource Api property CodeUri refers to ./build/api, which does not exist (${path.join(dir, 'build/api')})`,
    );
    expect(result.stderr).toContain(`${template}:14:13: resource Worker property Code refers to dist/worker.js, which does not exist`);
    expect(result.stderr).toContain(`${template}:18:20: resource Nested property TemplateURL refers to stacks/absent.yaml, which does not exist`);
    expect(result.stderr).toContain("paths are relative to the template's folder");
    expect(fs.existsSync(path.join(stateDir, 'stores'))).toBe(false);
  });

  it('skips objects whose key already exists on a second run, and --force-upload writes them again (CLI: HeadObject check, --force-upload)', async () => {
    const first = await packageProject();
    const keys = objectKeys(first.store);
    const inodes = keys.map((key) => fs.statSync(objectFile(first.store, key)).ino);
    const args = ['--template-file', path.join(first.dir, 'template.yaml'), '--region', 'eu-west-1', '--state-dir', first.stateDir, '--s3-prefix', 'service-x'];

    const second = ok(await meridianPackage(args));
    expect(second.stdout).toBe(first.stdout);
    expect(second.stderr).not.toContain('Uploading to');
    for (const key of keys) expect(second.stderr).toContain(`File with same data already exists at ${key}. Skipping upload`);
    expect(keys.map((key) => fs.statSync(objectFile(first.store, key)).ino)).toEqual(inodes);

    const forced = ok(await meridianPackage([...args, '--force-upload']));
    expect(forced.stdout).toBe(first.stdout);
    for (const key of keys) expect(forced.stderr).toContain(`Uploading to ${key}  `);
    expect(objectKeys(first.store)).toEqual(keys);
    const after = keys.map((key) => fs.statSync(objectFile(first.store, key)).ino);
    after.forEach((ino, i) => expect(ino).not.toBe(inodes[i]));
  });

  it('gives the same keys for the same content in another folder at another time, so builds in other checkouts skip uploads (deterministic zips)', async () => {
    const first = await packageProject();
    const dir = copyFixture('project');
    const later = new Date(Date.now() + 3_600_000);
    for (const file of fs.readdirSync(dir, { recursive: true }) as string[]) fs.utimesSync(path.join(dir, file), later, later);
    const again = ok(
      await meridianPackage([
        '--template-file',
        path.join(dir, 'template.yaml'),
        '--region',
        'eu-west-1',
        '--state-dir',
        first.stateDir,
        '--s3-prefix',
        'service-x',
      ]),
    );
    expect(again.stdout).toBe(first.stdout);
    expect(again.stderr).not.toContain('Uploading to');
  });

  it('writes JSON with long-form intrinsic functions under --use-json (CLI: --use-json, yamlhelper long forms)', async () => {
    const { stdout } = await packageProject(['--use-json']);
    const template = JSON.parse(stdout) as { Resources: Record<string, { Properties: Record<string, unknown> }>; Outputs: Record<string, unknown> };
    expect(template.Resources.Api?.Properties.Role).toEqual({ 'Fn::GetAtt': ['ApiRole', 'Arn'] });
    expect(template.Resources.Api?.Properties.Environment).toEqual({ Variables: { TABLE: { 'Fn::Sub': '${AWS::StackName}-table' } } });
    expect(template.Resources.FromParameter?.Properties.CodeUri).toEqual({ Ref: 'CodeLocation' });
    expect(template.Resources.Worker?.Properties.Code).toEqual({ S3Bucket: BUCKET, S3Key: expect.stringMatching(/^service-x\/[0-9a-f]{32}$/) as string });
    expect(template.Outputs).toEqual({ ApiArn: { Value: { 'Fn::GetAtt': ['Api', 'Arn'] } } });
    expect(stdout).toMatch(/^\{\n {4}"AWSTemplateFormatVersion"/);
  });

  it('writes YAML for a JSON template unless --use-json (CLI: yaml_dump by default)', async () => {
    const dir = copyFixture('json');
    const result = ok(await meridianPackage(['--template-file', path.join(dir, 'template.json'), '--region', 'eu-west-1', '--state-dir', tempDir()]));
    expect(result.stdout).toMatch(/^AWSTemplateFormatVersion: "?2010-09-09"?\nResources:\n {2}Fn:\n/);
    expect(result.stdout).toContain('Fn::GetAtt:\n          - Role\n          - Arn');
    keyOfUrl(readTemplate(result.stdout).Resources.Fn?.Properties.CodeUri, BUCKET);
  });

  it('writes --output-template-file and says so on stdout, with the --s3-bucket name in the template (CLI: --output-template-file, --s3-bucket)', async () => {
    const dir = copyFixture('project');
    const out = path.join(dir, 'packaged.yaml');
    const result = ok(
      await meridianPackage(
        [
          '--template-file',
          'template.yaml',
          '--region',
          'eu-west-1',
          '--state-dir',
          tempDir(),
          '--s3-bucket',
          'acme-eu',
          '--output-template-file',
          'packaged.yaml',
        ],
        {
          cwd: dir,
        },
      ),
    );
    expect(result.stdout).toBe('Successfully packaged artifacts and wrote output template to file packaged.yaml.\n');
    const template = readTemplate(fs.readFileSync(out, 'utf8'));
    keyOfUrl(template.Resources.Api?.Properties.CodeUri, 'acme-eu');
    expect(String(template.Resources.Nested?.Properties.TemplateURL)).toMatch(/^https:\/\/s3\.eu-west-1\.amazonaws\.com\/acme-eu\/[0-9a-f]{32}\.template$/);
  });
});

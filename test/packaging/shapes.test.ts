/**
 * The rest of the AWS CLI's packageable properties, each with the replacement shape and the
 * omitted-property rule of its exporter class in artifact_exporter.py.
 */
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { zipFolder } from '../../src/stores/artifacts/zip.js';
import { tempDir } from '../helpers/temp.js';
import { copyFixture, keyOfUrl, md5, meridianPackage, objectFile, objectKeys, ok, readTemplate, unzipped } from './helpers.js';

const BUCKET = 'meridian-us-east-1';

describe('meridian package: every property the AWS CLI packages', () => {
  let dir: string;
  let store: string;
  let stdout: string;
  let props: (id: string) => Record<string, unknown>;

  beforeAll(async () => {
    dir = copyFixture('shapes');
    const zipSource = tempDir();
    fs.writeFileSync(path.join(zipSource, 'index.js'), 'exports.handler = async () => "prebuilt";\n');
    await zipFolder(zipSource, path.join(dir, 'prebuilt.zip'));
    const stateDir = tempDir();
    store = path.join(stateDir, 'stores', 'us-east-1');
    stdout = ok(await meridianPackage(['--template-file', path.join(dir, 'template.yaml'), '--region', 'us-east-1', '--state-dir', stateDir])).stdout;
    const template = readTemplate(stdout);
    props = (id) => template.Resources[id]?.Properties ?? {};
  });

  const dictKey = (value: unknown, bucketName: string, keyName: string): string => {
    const dict = value as Record<string, string>;
    expect(Object.keys(dict)).toEqual([bucketName, keyName]);
    expect(dict[bucketName]).toBe(BUCKET);
    return dict[keyName] ?? '';
  };
  const sameBytes = (key: string, relative: string): void => {
    expect(md5(objectFile(store, key))).toBe(md5(path.join(dir, relative)));
    expect(key).toBe(md5(path.join(dir, relative)));
  };

  it('ApiGateway::RestApi BodyS3Location becomes {Bucket, Key}; omitted, nothing is uploaded (ApiGatewayRestApiResource, PACKAGE_NULL_PROPERTY=False)', () => {
    sameBytes(dictKey(props('RestApi').BodyS3Location, 'Bucket', 'Key'), 'api/openapi.yaml');
    expect(props('InlineRestApi')).toEqual({ Body: { openapi: '3.0.1' } });
  });

  it('Serverless::Api DefinitionUri becomes s3://; omitted, nothing is uploaded (ServerlessApiResource)', () => {
    sameBytes(keyOfUrl(props('HttpApi').DefinitionUri, BUCKET), 'api/openapi.yaml');
    expect(props('InlineHttpApi')).not.toHaveProperty('DefinitionUri');
  });

  it('AppSync schema, resolver and function locations become s3:// (GraphQLSchemaResource, AppSync*Resource)', () => {
    sameBytes(keyOfUrl(props('Schema').DefinitionS3Location, BUCKET), 'appsync/schema.graphql');
    sameBytes(keyOfUrl(props('Resolver').RequestMappingTemplateS3Location, BUCKET), 'appsync/request.vtl');
    expect(props('Resolver').ResponseMappingTemplate).toBe('$util.toJson($ctx.result)');
    expect(props('Resolver')).not.toHaveProperty('ResponseMappingTemplateS3Location');
    sameBytes(keyOfUrl(props('Function').CodeS3Location, BUCKET), 'appsync/function.js');
  });

  it('ElasticBeanstalk SourceBundle folder is zipped into {S3Bucket, S3Key} (ElasticBeanstalkApplicationVersion)', async () => {
    const key = dictKey(props('Bundle').SourceBundle, 'S3Bucket', 'S3Key');
    expect(await unzipped(objectFile(store, key))).toEqual({ 'index.js': 'exports.handler = async () => "bundle";\n' });
  });

  it('Glue Job Command.ScriptLocation file is uploaded as it is, as s3:// (GlueJobCommandScriptLocationResource)', () => {
    expect(props('GlueJob').Command).toMatchObject({ Name: 'glueetl' });
    sameBytes(keyOfUrl((props('GlueJob').Command as Record<string, unknown>).ScriptLocation, BUCKET), 'glue/job.py');
  });

  it('StepFunctions DefinitionS3Location and Serverless::StateMachine DefinitionUri become {Bucket, Key} (StepFunctions/ServerlessStateMachine resources)', () => {
    sameBytes(dictKey(props('Machine').DefinitionS3Location, 'Bucket', 'Key'), 'statemachine/definition.asl.json');
    sameBytes(dictKey(props('ServerlessMachine').DefinitionUri, 'Bucket', 'Key'), 'statemachine/definition.asl.json');
  });

  it('CodeCommit Repository Code.S3 folder is zipped into {Bucket, Key} (CodeCommitRepositoryS3Resource)', async () => {
    const key = dictKey((props('Repo').Code as Record<string, unknown>).S3, 'Bucket', 'Key');
    expect(Object.keys(await unzipped(objectFile(store, key)))).toEqual(['index.js']);
  });

  it('Lambda LayerVersion Content and Serverless LayerVersion ContentUri folders are zipped (LambdaLayerVersionResource, ServerlessLayerVersionResource)', async () => {
    const key = dictKey(props('Layer').Content, 'S3Bucket', 'S3Key');
    expect(await unzipped(objectFile(store, key))).toEqual({ 'nodejs/shared.js': 'module.exports = { shared: true };\n' });
    expect(keyOfUrl(props('ServerlessLayer').ContentUri, BUCKET)).toBe(key);
  });

  it('a Lambda Code that is already a zip is uploaded as it is; a Code dict is left alone (is_zip_file; dict values not exported)', () => {
    sameBytes(dictKey(props('Prebuilt').Code, 'S3Bucket', 'S3Key'), 'prebuilt.zip');
    expect(props('Inline').Code).toEqual({ ZipFile: "exports.handler = async () => 'inline';" });
  });

  it('Serverless::Application Location is packaged as a nested template with a path-style URL (ServerlessApplicationResource)', () => {
    const url = String(props('App').Location);
    const match = /^https:\/\/s3\.us-east-1\.amazonaws\.com\/meridian-us-east-1\/([0-9a-f]{32}\.template)$/.exec(url);
    expect(match, url).not.toBeNull();
    expect(fs.readFileSync(objectFile(store, match?.[1] ?? ''), 'utf8')).toBe(fs.readFileSync(path.join(dir, 'app/template.yaml'), 'utf8'));
  });

  it('uploads nothing else: one object per distinct content', () => {
    // openapi.yaml, schema, request, function.js, bundle zip (= Code.S3 zip), glue, state machine, layer zip, prebuilt, app template.
    expect(objectKeys(store)).toHaveLength(10);
    expect(stdout).toContain('ApiId: !GetAtt GraphApi.ApiId');
  });

  it('an omitted Lambda Code zips the template folder (Resource.PACKAGE_NULL_PROPERTY=True: "the current working directory is zipped")', async () => {
    const omitted = copyFixture('omitted');
    const stateDir = tempDir();
    const result = ok(await meridianPackage(['--template-file', path.join(omitted, 'template.yaml'), '--region', 'us-east-1', '--state-dir', stateDir]));
    const key = dictKey(readTemplate(result.stdout).Resources.Fn?.Properties.Code, 'S3Bucket', 'S3Key');
    expect(Object.keys(await unzipped(objectFile(path.join(stateDir, 'stores', 'us-east-1'), key)))).toEqual(['code/index.js', 'template.yaml']);
  });
});

/**
 * The template properties `aws cloudformation package` uploads, as data: which resource
 * type, where the property is, what the CLI writes in its place, and its two switches.
 * Mirrors the CLI's exporter classes (awscli/customizations/cloudformation/artifact_exporter.py);
 * reference: ../shared/reference/aws-semantics.md section 4.
 */

/** What replaces a local path once its object is stored. */
export type Shape =
  /** `s3://bucket/key`, the CLI's default (`Resource.do_export`). */
  | { kind: 'url' }
  /** `{ <bucket>: bucket, <key>: key }` (`ResourceWithS3UrlDict`); no version: store objects have none. */
  | { kind: 'dict'; bucket: string; key: string }
  /** A nested template: packaged recursively, uploaded as `<md5>.template`, replaced by a path-style https URL. */
  | { kind: 'template-url' };

export interface PackageableProperty {
  resourceType: string;
  /** Path under `Properties`, e.g. `['Command', 'ScriptLocation']` (the CLI's jmespath). */
  property: readonly string[];
  shape: Shape;
  /** The CLI's PACKAGE_NULL_PROPERTY: when the property is omitted, zip and upload the template's folder. */
  packageWhenOmitted: boolean;
  /** The CLI's FORCE_ZIP: a single file that is not already a zip is zipped (Lambda needs a zip). */
  forceZip: boolean;
}

const URL: Shape = { kind: 'url' };
const BUCKET_KEY: Shape = { kind: 'dict', bucket: 'Bucket', key: 'Key' };
const S3_BUCKET_KEY: Shape = { kind: 'dict', bucket: 'S3Bucket', key: 'S3Key' };
const NESTED: Shape = { kind: 'template-url' };

function rule(resourceType: string, property: string, shape: Shape, options: { omitted: boolean; forceZip?: boolean }): PackageableProperty {
  return { resourceType, property: property.split('.'), shape, packageWhenOmitted: options.omitted, forceZip: options.forceZip ?? false };
}

export const PACKAGEABLE_PROPERTIES: readonly PackageableProperty[] = [
  rule('AWS::Serverless::Function', 'CodeUri', URL, { omitted: true, forceZip: true }),
  // Omitted means DefinitionBody / Definition / inline templates are used instead: upload nothing.
  rule('AWS::Serverless::Api', 'DefinitionUri', URL, { omitted: false }),
  rule('AWS::AppSync::GraphQLSchema', 'DefinitionS3Location', URL, { omitted: false }),
  rule('AWS::AppSync::Resolver', 'CodeS3Location', URL, { omitted: false }),
  rule('AWS::AppSync::Resolver', 'RequestMappingTemplateS3Location', URL, { omitted: false }),
  rule('AWS::AppSync::Resolver', 'ResponseMappingTemplateS3Location', URL, { omitted: false }),
  rule('AWS::AppSync::FunctionConfiguration', 'CodeS3Location', URL, { omitted: false }),
  rule('AWS::AppSync::FunctionConfiguration', 'RequestMappingTemplateS3Location', URL, { omitted: false }),
  rule('AWS::AppSync::FunctionConfiguration', 'ResponseMappingTemplateS3Location', URL, { omitted: false }),
  rule('AWS::ApiGateway::RestApi', 'BodyS3Location', BUCKET_KEY, { omitted: false }),
  rule('AWS::Lambda::Function', 'Code', S3_BUCKET_KEY, { omitted: true, forceZip: true }),
  rule('AWS::ElasticBeanstalk::ApplicationVersion', 'SourceBundle', S3_BUCKET_KEY, { omitted: true }),
  // An omitted TemplateURL / Location is left alone (CloudFormationStackResource.do_export returns).
  rule('AWS::CloudFormation::Stack', 'TemplateURL', NESTED, { omitted: false }),
  rule('AWS::Serverless::Application', 'Location', NESTED, { omitted: false }),
  rule('AWS::Serverless::LayerVersion', 'ContentUri', URL, { omitted: true, forceZip: true }),
  rule('AWS::Lambda::LayerVersion', 'Content', S3_BUCKET_KEY, { omitted: true, forceZip: true }),
  rule('AWS::Glue::Job', 'Command.ScriptLocation', URL, { omitted: true }),
  rule('AWS::StepFunctions::StateMachine', 'DefinitionS3Location', BUCKET_KEY, { omitted: false }),
  rule('AWS::Serverless::StateMachine', 'DefinitionUri', BUCKET_KEY, { omitted: false }),
  rule('AWS::CodeCommit::Repository', 'Code.S3', BUCKET_KEY, { omitted: false, forceZip: true }),
];

export function propertiesOf(resourceType: string): PackageableProperty[] {
  return PACKAGEABLE_PROPERTIES.filter((p) => p.resourceType === resourceType);
}

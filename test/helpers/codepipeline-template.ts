/**
 * Pieces of a CloudFormation template of one CodePipeline pipeline whose source is GitHub
 * (version 1), with its AWS::CodePipeline::Webhook resources: what the tests of webhook
 * definitions and of the secrets in them write again and again. Each piece is whole lines
 * without a final newline, indented where it stands in the template.
 */

/**
 * `Resources:` and pipeline `id` (named `id` in lower case, artifacts in `<name>-artifacts`) up
 * to the first action of its stage Source: `checkout`, GitHub (version 1) from acme/`<name>`
 * at main with `oauthToken`, output artifact `code`. More Source actions, then more stages,
 * may follow.
 */
export function githubPipelineStart(id: string, oauthToken: string): string {
  const name = id.toLowerCase();
  return `Resources:
  ${id}:
    Type: AWS::CodePipeline::Pipeline
    Properties:
      Name: ${name}
      ArtifactStore: { Type: S3, Location: ${name}-artifacts }
      Stages:
        - Name: Source
          Actions:
            - Name: checkout
              ActionTypeId: { Category: Source, Owner: ThirdParty, Provider: GitHub, Version: 1 }
              Configuration: { Owner: acme, Repo: ${name}, Branch: main, OAuthToken: ${oauthToken}, PollForSourceChanges: false }
              OutputArtifacts: [{ Name: code }]`;
}

/** Stage Build of that pipeline up to its first action: `build`, the CodeBuild project `!Ref Project` on `code`. More Build actions may follow. */
export const CODEBUILD_STAGE_START = `        - Name: Build
          Actions:
            - Name: build
              ActionTypeId: { Category: Build, Owner: AWS, Provider: CodeBuild, Version: 1 }
              Configuration: { ProjectName: !Ref Project }
              InputArtifacts: [{ Name: code }]`;

/**
 * Webhook resource `id` of action `target` of pipeline `pipelineId`, on pushes to its branch;
 * `authentication` is its Authentication lines, indented under Properties (see hmacAuthentication).
 */
export function webhookResource(id: string, pipelineId: string, authentication: string, target = 'checkout'): string {
  return `  ${id}:
    Type: AWS::CodePipeline::Webhook
    Properties:
${authentication}
      Filters: [{ JsonPath: $.ref, MatchEquals: 'refs/heads/{Branch}' }]
      TargetPipeline: !Ref ${pipelineId}
      TargetAction: ${target}
      TargetPipelineVersion: !GetAtt ${pipelineId}.Version`;
}

/** The Authentication lines of a GITHUB_HMAC webhook whose SecretToken is `token` (text, or a `!Ref`, `!ImportValue` or dynamic reference). */
export const hmacAuthentication = (token: string): string => `      Authentication: GITHUB_HMAC\n      AuthenticationConfiguration: { SecretToken: ${token} }`;

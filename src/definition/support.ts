/**
 * What Meridian does with each CodePipeline action type and stage-condition rule: it runs
 * it, runs it with a local substitute (and says which), or refuses it at validation with the
 * nearest supported alternative. `meridian providers` prints this table, the docs carry it,
 * and the action-types rule takes its hints from it. A test keeps it in step with the
 * provider registry: every registered type is listed as running, no refused type is registered.
 */

export type SupportStatus = 'runs' | 'substitute' | 'refused';

export interface SupportEntry {
  /** `Category/Owner/Provider`, or `Rule/AWS/NAME` for a stage-condition rule. */
  type: string;
  status: SupportStatus;
  /** What happens here (runs / substitute), or why it is refused. */
  note: string;
  /** For a refused entry: what to write instead. */
  alternative?: string;
}

const runs = (type: string, note: string): SupportEntry => ({ type, status: 'runs', note });
const substitute = (type: string, note: string): SupportEntry => ({ type, status: 'substitute', note });
const refused = (type: string, note: string, alternative: string): SupportEntry => ({ type, status: 'refused', note, alternative });

const COMMANDS = 'a Commands action (`Compute/AWS/Commands`, native `uses: commands`)';

export const SUPPORT: readonly SupportEntry[] = [
  // Sources
  substitute(
    'Source/ThirdParty/GitHub',
    'git fetch of github.com/Owner/Repo (OAuthToken used for https), or the repository given with --source; webhooks through `meridian serve`',
  ),
  substitute(
    'Source/AWS/CodeStarSourceConnection',
    'git fetch of github.com/FullRepositoryId or the repository given with --source; no connection is used, pushes arrive through a webhook of `meridian serve`',
  ),
  substitute('Source/AWS/CodeCommit', 'git fetch of the CodeCommit https URL (git credentials of this machine), or the repository given with --source'),
  runs('Source/Meridian/Git', "Meridian's own git source (native `sources:`): a URL or a local path"),
  refused(
    'Source/AWS/S3',
    'Meridian does not read source archives from S3',
    'a git source (native `sources:`), or --source NAME=PATH pointing a git source at a local repository',
  ),
  refused('Source/AWS/ECR', 'Meridian does not watch image repositories', `a git source, and ${COMMANDS} that pulls the image`),
  // Builds and tests
  substitute(
    'Build/AWS/CodeBuild',
    "the buildspec runs on this host with bash (CodeBuild's phases, env, artifacts, cache, reports); the project's image is named in the log, not used",
  ),
  substitute('Test/AWS/CodeBuild', 'as Build/AWS/CodeBuild'),
  refused('Build/AWS/ECRBuildAndPublish', 'no image build service here', 'a CodeBuild action whose buildspec runs `docker build` and `docker push`'),
  refused('Build/AWS/InspectorScan', 'no Amazon Inspector here', 'a CodeBuild or Commands action running a scanner'),
  refused('Build/Custom/Jenkins', 'no Jenkins integration', `${COMMANDS} that triggers the Jenkins job through its API`),
  refused('Test/AWS/DeviceFarm', 'no Device Farm here', `${COMMANDS} that starts the run with \`aws devicefarm\``),
  // Deploys
  runs('Deploy/AWS/CloudFormation', "every ActionMode through the AWS SDK (the standard credentials, the action's region, AWS_ENDPOINT_URL_CLOUDFORMATION)"),
  refused('Deploy/AWS/CloudFormationStackSet', 'stack sets are not supported', 'one CloudFormation action per region: a native stage with `forEach: region`'),
  refused(
    'Deploy/AWS/CloudFormationStackInstances',
    'stack sets are not supported',
    'one CloudFormation action per region: a native stage with `forEach: region`',
  ),
  refused(
    'Deploy/AWS/CodeDeploy',
    'no CodeDeploy agent here',
    'a release action (`Deploy/Meridian/Release`, native `uses: release`): prepare/activate on hosts with health checks and rollback',
  ),
  refused('Deploy/AWS/CodeDeployToECS', 'no CodeDeploy here', `${COMMANDS} running \`aws ecs\`, or a release action`),
  refused('Deploy/AWS/ECS', 'no ECS integration', `${COMMANDS} running \`aws ecs update-service\``),
  refused('Deploy/AWS/EKS', 'no EKS integration', `${COMMANDS} running \`kubectl\` or \`helm\``),
  refused('Deploy/AWS/ElasticBeanstalk', 'no Elastic Beanstalk integration', `${COMMANDS} running \`aws elasticbeanstalk\``),
  refused('Deploy/AWS/S3', 'Meridian does not extract artifacts into buckets', `${COMMANDS} running \`aws s3 sync\`, or a release action for a folder or host`),
  refused('Deploy/AWS/AppConfig', 'no AppConfig integration', `${COMMANDS} running \`aws appconfig\``),
  refused('Deploy/AWS/OpsWorks', 'no OpsWorks integration', COMMANDS),
  refused('Deploy/AWS/ServiceCatalog', 'no Service Catalog integration', `a CloudFormation action, or ${COMMANDS}`),
  refused('Deploy/AWS/EC2', 'no EC2 deploy integration', 'a release action (`uses: release`) over SSH'),
  refused('Deploy/AWS/AlexaSkillsKit', 'no Alexa integration', COMMANDS),
  runs('Deploy/Meridian/Release', "Meridian's own release to a folder or over SSH, with an atomic switch, health checks and rollback"),
  // Approvals, invokes, compute
  runs('Approval/AWS/Manual', 'answered with `meridian approve|reject` or the API; NotificationArn is not notified'),
  refused('Invoke/AWS/Lambda', 'Meridian does not invoke Lambda functions with CodePipeline jobs', `${COMMANDS} running \`aws lambda invoke\``),
  refused('Invoke/AWS/StepFunctions', 'no Step Functions integration', `${COMMANDS} running \`aws stepfunctions start-execution\``),
  refused('Invoke/ThirdParty/Snyk', 'no Snyk integration', `${COMMANDS} running the snyk CLI`),
  runs('Compute/AWS/Commands', 'the commands run on this host in one bash, with output variables and files'),
  runs('Compute/Meridian/Noop', 'does nothing (for tests and benchmarks)'),
  // Stage-condition rules (BeforeEntry, OnSuccess, OnFailure)
  runs('Rule/AWS/DeploymentWindow', "Cron and TimeZone judged by Meridian's window parser; a BeforeEntry condition may also WAIT for the window"),
  runs('Rule/AWS/VariableCheck', 'EQ, NE, CONTAINS, MATCHES on resolved variables'),
  runs('Rule/AWS/Commands', 'the commands run on this host; the rule fails when one exits non-zero'),
  refused(
    'Rule/AWS/CloudWatchAlarm',
    'Meridian cannot read CloudWatch alarms and has no local substitute',
    'a Commands rule that checks the alarm with `aws cloudwatch describe-alarms`',
  ),
  refused('Rule/AWS/LambdaInvoke', 'Meridian does not invoke Lambda functions', 'a Commands rule running `aws lambda invoke`, or a VariableCheck rule'),
];

export function supportOf(type: string): SupportEntry | undefined {
  return SUPPORT.find((entry) => entry.type === type);
}

export const STATUS_WORDS: Record<SupportStatus, string> = { runs: 'runs', substitute: 'runs with a substitute', refused: 'refused at validation' };

/**
 * A local CloudFormation endpoint for tests: an HTTP server on 127.0.0.1 speaking the
 * query protocol the SDK's CloudFormationClient uses, with stacks kept per region (the
 * region of each request's SigV4 credential scope). See README.md beside this file for
 * exactly what it covers.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { changeSetSummaryXml, changeSetXml, stackEventsXml, stackXml } from './cloudformation-responses.js';
import { RegionStacks, type StackDefinition } from './cloudformation-stacks.js';
import { element, errorBody, members, QueryError, QueryRequest, requestRegion, successBody } from './query-protocol.js';

export interface RecordedRequest {
  region: string;
  action: string;
}

export interface StackSummary {
  name: string;
  id: string;
  status: string;
  parameters: Record<string, string>;
  outputs: Record<string, string>;
  changeSets: string[];
}

export interface CloudFormationEndpoint {
  url: string;
  /** Every request received, in order. */
  requests: RecordedRequest[];
  /** The live (not deleted) stacks of a region. */
  stacks(region: string): StackSummary[];
  close(): Promise<void>;
}

export interface EndpointOptions {
  /** Delay between two steps of a stack or change set operation. */
  stepMs?: number;
}

export async function startCloudFormationEndpoint(options: EndpointOptions = {}): Promise<CloudFormationEndpoint> {
  const stepMs = options.stepMs ?? 30;
  const timers = new Set<NodeJS.Timeout>();
  const later = (step: () => void): void => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      step();
    }, stepMs);
    timers.add(timer);
  };
  const regions = new Map<string, RegionStacks>();
  const regionStacks = (region: string): RegionStacks => {
    let stacks = regions.get(region);
    if (!stacks) regions.set(region, (stacks = new RegionStacks(region, later)));
    return stacks;
  };
  const requests: RecordedRequest[] = [];

  const server = createServer((req, res) => {
    void handle(req, res);
  });
  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const request = new QueryRequest(new URLSearchParams(Buffer.concat(chunks).toString('utf8')));
    const region = requestRegion(req.headers.authorization, req.headers.host);
    requests.push({ region, action: request.action });
    let status = 200;
    let body: string;
    try {
      body = successBody(request.action, dispatch(regionStacks(region), request));
    } catch (error) {
      const queryError = error instanceof QueryError ? error : new QueryError('InternalFailure', error instanceof Error ? error.message : String(error), 500);
      status = queryError.status;
      body = errorBody(queryError);
    }
    res.writeHead(status, { 'content-type': 'text/xml' }).end(body);
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    stacks: (region) =>
      [...regionStacks(region).live.values()].map((stack) => ({
        name: stack.name,
        id: stack.id,
        status: stack.status,
        parameters: { ...(stack.definition?.parameters ?? {}) },
        outputs: { ...stack.outputs },
        changeSets: [...stack.changeSets.keys()],
      })),
    async close() {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
    },
  };
}

function definition(request: QueryRequest): StackDefinition {
  return {
    template: request.required('TemplateBody'),
    parameters: request.pairs('Parameters', 'ParameterKey', 'ParameterValue'),
    tags: request.pairs('Tags', 'Key', 'Value'),
    capabilities: request.list('Capabilities'),
    roleArn: request.optional('RoleARN'),
  };
}

function dispatch(stacks: RegionStacks, request: QueryRequest): string {
  switch (request.action) {
    case 'CreateStack':
      return element('StackId', stacks.createStack(request.required('StackName'), definition(request)).id);
    case 'UpdateStack':
      return element('StackId', stacks.updateStack(request.required('StackName'), definition(request)).id);
    case 'DeleteStack':
      stacks.deleteStack(request.required('StackName'));
      return '';
    case 'DescribeStacks': {
      const name = request.optional('StackName');
      const list = name === undefined ? [...stacks.live.values()] : [stacks.get(name)];
      return members('Stacks', list, stackXml);
    }
    case 'DescribeStackEvents':
      return stackEventsXml(stacks.get(request.required('StackName')));
    case 'CreateChangeSet': {
      const type = request.optional('ChangeSetType') === 'CREATE' ? 'CREATE' : 'UPDATE';
      const stackName = request.required('StackName');
      const changeSet = stacks.createChangeSet(stackName, request.required('ChangeSetName'), type, definition(request));
      return element('Id', changeSet.id) + element('StackId', stacks.get(stackName).id);
    }
    case 'DescribeChangeSet': {
      const { stack, changeSet } = stacks.changeSet(request.optional('StackName') ?? '', request.required('ChangeSetName'));
      return changeSetXml(stack, changeSet);
    }
    case 'ExecuteChangeSet':
      stacks.executeChangeSet(request.optional('StackName') ?? '', request.required('ChangeSetName'));
      return '';
    case 'DeleteChangeSet': {
      const { stack, changeSet } = stacks.changeSet(request.optional('StackName') ?? '', request.required('ChangeSetName'));
      stack.changeSets.delete(changeSet.name);
      return '';
    }
    case 'ListChangeSets': {
      const stack = stacks.get(request.required('StackName'));
      return members('Summaries', [...stack.changeSets.values()], (changeSet) => changeSetSummaryXml(stack, changeSet));
    }
    default:
      throw new QueryError(
        'InvalidAction',
        `The action ${request.action} is not valid for this endpoint (Meridian's test endpoint covers a subset; see test/helpers/aws/README.md)`,
      );
  }
}

/**
 * `serve`'s settings for remote agents: which regions only remote agents run
 * (`--remote-regions`), how long a job's lease lasts (`--lease`) and how long an agent's
 * claim waits for a job (`--agent-poll`).
 */
import { MeridianError } from '../domain/errors.js';
import { AGENT_LABEL } from '../domain/pipeline.js';
import type { AgentSettings } from '../server/context.js';
import { s3EndpointFromEnv } from './environment.js';

export const AGENT_LABELS_HELP =
  'labels of the in-process agent, comma-separated: it runs actions whose `runsOn` asks for no other (default none: those wait for a remote agent that has them)';

export const REMOTE_REGIONS_HELP =
  'regions whose jobs only remote `meridian agent`s run, comma-separated (`*`: every region); the server runs the others itself';

export interface RemoteAgentFlags {
  remoteRegions?: string;
  lease: string;
  agentPoll: string;
  agentLabels?: string;
}

/** `--labels a,b` (or `--agent-labels`): each label as `runsOn` would write it. */
export function parseAgentLabels(text: string | undefined, flag: string): string[] {
  const labels = (text ?? '')
    .split(',')
    .map((l) => l.trim())
    .filter((l) => l !== '');
  const bad = labels.find((l) => !AGENT_LABEL.test(l));
  if (bad !== undefined)
    throw new MeridianError(
      'BAD_INPUT',
      `${flag} ${text ?? ''}: "${bad}" is not a label; write 1 to 100 letters, digits, \`.\`, \`_\` or \`-\` per label, comma-separated`,
    );
  return [...new Set(labels)].sort();
}

export function remoteAgentSettings(flags: RemoteAgentFlags): { leaseMs: number; exceptRegions: string[]; agentLabels: string[]; agents: AgentSettings } {
  const remoteRegions = (flags.remoteRegions ?? '')
    .split(',')
    .map((r) => r.trim())
    .filter((r) => r !== '');
  const agents: AgentSettings = { pollMs: seconds(flags.agentPoll, '--agent-poll') * 1000, remoteRegions };
  const s3Endpoint = s3EndpointFromEnv();
  if (s3Endpoint !== undefined) agents.s3Endpoint = s3Endpoint;
  return {
    leaseMs: seconds(flags.lease, '--lease') * 1000,
    exceptRegions: remoteRegions,
    agentLabels: parseAgentLabels(flags.agentLabels, '--agent-labels'),
    agents,
  };
}

function seconds(text: string, flag: string): number {
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0) throw new MeridianError('BAD_INPUT', `${flag} ${text}: write a number of seconds above 0, e.g. 30`);
  return value;
}

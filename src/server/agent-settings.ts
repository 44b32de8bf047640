/** Remote agents' settings with their defaults, and when an agent counts as alive. */
import type { AgentSettings, ServerContext } from './context.js';

export const DEFAULT_AGENT_SETTINGS: AgentSettings = { pollMs: 25_000, remoteRegions: [] };

export function agentSettings(context: ServerContext): AgentSettings {
  return context.settings.agents ?? DEFAULT_AGENT_SETTINGS;
}

/**
 * Agents seen since this instant count as alive: a polling agent asks again within the poll
 * interval, and one running jobs renews their leases every third of a lease.
 */
export function liveSince(context: ServerContext, now = Date.now()): string {
  return new Date(now - agentSettings(context).pollMs - context.core.dispatch.leaseMs).toISOString();
}

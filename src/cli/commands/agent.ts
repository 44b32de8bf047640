import path from 'node:path';
import type { Command } from 'commander';
import { AgentClient } from '../../agent/agent-client.js';
import { sweepAgentLeftovers } from '../../agent/agent-ledger.js';
import { RemoteAgent } from '../../agent/remote-agent.js';
import { RemoteJobSource } from '../../agent/remote-job-source.js';
import { MeridianError } from '../../domain/errors.js';
import { makeOwnerId } from '../../lib/process-owner.js';
import { registerBuiltinProviders } from '../../providers/builtin.js';
import { ProviderRegistry } from '../../providers/registry.js';
import { apiTokenFromEnv } from '../environment.js';
import { burstWriter } from '../io.js';
import { parseAgentLabels } from '../remote-agent-options.js';
import type { RegisterCommand } from './index.js';

interface AgentOptions {
  server: string;
  region: string;
  token?: string;
  labels?: string;
  concurrency: string;
  workDir: string;
  grace: string;
}

/** `meridian agent`: run the jobs of one region for a `meridian serve`, from this machine, over HTTP only. */
export const registerAgent: RegisterCommand = (program: Command, io) => {
  program
    .command('agent')
    .description("run one region's jobs for a `meridian serve` elsewhere (long-polls it over HTTP)")
    .requiredOption('--server <url>', 'the server, e.g. https://meridian.example.com')
    .requiredOption('--region <region>', "the region this agent runs jobs for; must be its token's region")
    .option('--token <token>', 'an agent token for that region (`meridian tokens create --role agent --region R`); default MERIDIAN_TOKEN')
    .option('--labels <a,b,...>', 'labels of this agent: it also runs the actions whose `runsOn` asks for some of them (and none it lacks)')
    .option('--concurrency <n>', 'jobs run at the same time', '1')
    .option('--work-dir <dir>', 'where jobs run and caches are kept', '.meridian-agent')
    .option('--grace <seconds>', 'on SIGTERM, how long running jobs may take to finish', '30')
    .action(async (options: AgentOptions) => {
      const token = options.token ?? apiTokenFromEnv();
      if (token === undefined)
        throw new MeridianError(
          'BAD_INPUT',
          'pass --token (or set MERIDIAN_TOKEN) to an agent token made with `meridian tokens create --role agent --region R`',
        );
      const concurrency = Number(options.concurrency);
      if (!Number.isInteger(concurrency) || concurrency < 1)
        throw new MeridianError('BAD_INPUT', `--concurrency ${options.concurrency}: write a whole number from 1`);
      const labels = parseAgentLabels(options.labels, '--labels');
      const id = makeOwnerId();
      const say = burstWriter((text) => io.out(text));
      const client = new AgentClient(options.server.replace(/\/+$/, ''), token, id);
      const onError = (error: Error): void => io.err(`${new Date().toISOString()} error: ${error.message}\n`);
      const root = path.resolve(options.workDir);
      // Before claiming: an agent killed here may have left its attempts running.
      const ended = (await sweepAgentLeftovers(root)).filter((how) => how === 'terminated' || how === 'killed');
      if (ended.length > 0) say(`Ended ${ended.length} process group(s) that a killed agent left running in ${root}\n`);
      const source = new RemoteJobSource(client, { region: options.region, labels, concurrency, root, onError });
      const registry = registerBuiltinProviders(new ProviderRegistry());
      const agent = new RemoteAgent({ source, registry }, { concurrency, say: (line) => say(`${new Date().toISOString()} ${line}\n`), onError });
      say(
        `Meridian agent ${id} for ${options.region} polling ${client.url} (concurrency ${concurrency}${labels.length > 0 ? `, labels ${labels.join(',')}` : ''})\n`,
      );
      let stopped: Promise<number> | undefined;
      const shutdown = (signal: string): void => {
        if (stopped) return;
        say(`${signal}: no new jobs; waiting up to ${options.grace}s for running ones\n`);
        stopped = agent.stop(Number(options.grace) * 1000);
      };
      const onTerm = (): void => shutdown('SIGTERM');
      const onInt = (): void => shutdown('SIGINT');
      process.on('SIGTERM', onTerm);
      process.on('SIGINT', onInt);
      try {
        await agent.run();
        const cut = await (stopped ?? Promise.resolve(0));
        if (cut > 0) say(`${cut} job(s) still running were cut off; the server hands them on when their leases run out\n`);
        say('Stopped.\n');
      } finally {
        process.off('SIGTERM', onTerm);
        process.off('SIGINT', onInt);
        await client.close();
      }
    });
};

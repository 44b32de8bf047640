import type { Command } from 'commander';
import { MeridianError } from '../../domain/errors.js';
import type { Pipeline } from '../../domain/pipeline.js';
import { Notifier } from '../../server/notifier.js';
import { PipelineCatalog } from '../../server/pipeline-catalog.js';
import { Replicas } from '../../server/replicas.js';
import { isPostgresUrl } from '../../stores/state/postgres/open-postgres.js';
import { Scheduler } from '../../server/scheduler.js';
import type { SourceOverride } from '../../domain/records.js';
import { apiTokenFromEnv, dbUrlFromEnv, notifySecretFromEnv } from '../environment.js';
import { triggerWarnings } from '../../definition/trigger-warnings.js';
import { burstWriter, type CliIO } from '../io.js';
import { printWarnings } from '../print-warnings.js';
import { actionShield } from '../../providers/action-shield.js';
import { loadForRun } from '../load.js';
import { openMeridian } from '../open-meridian.js';
import { collect } from '../options.js';
import { plainLine } from '../progress/plain-progress.js';
import { AGENT_LABELS_HELP, REMOTE_REGIONS_HELP, remoteAgentSettings, type RemoteAgentFlags } from '../remote-agent-options.js';
import { parseSourceOverrides } from '../source-overrides.js';
import { resolveStateDir, STATE_DIR_FLAGS, STATE_DIR_HELP } from '../state-dir.js';
import type { RegisterCommand } from './index.js';

interface ServeOptions extends RemoteAgentFlags {
  file: string[];
  source: string[];
  port: string;
  host: string;
  stateDir?: string;
  db?: string;
  grace: string;
  concurrency: string;
  webhookBodyLimit: string;
  webhookRateLimit: string;
  notify: string[];
  replicaTimeout: string;
}

export const registerServe: RegisterCommand = (program: Command, io) => {
  program
    .command('serve')
    .description('run pipelines as a service: API, GitHub webhooks, polling, resumed executions')
    .requiredOption('-f, --file <file>', 'a pipeline definition (repeatable)', collect, [])
    .option(
      '--source <NAME=PATH_OR_URL[#BRANCH]>',
      'point a source action at a repository (repeatable; applies to every pipeline with that source)',
      collect,
      [],
    )
    .option('--port <n>', 'TCP port (0: any free port)', '8080')
    .option('--host <address>', 'address to listen on', '127.0.0.1')
    .option(STATE_DIR_FLAGS, STATE_DIR_HELP)
    .option('--db <url>', 'state database: postgres://… (also MERIDIAN_DB); default SQLite in the state dir')
    .option('--grace <seconds>', 'on SIGTERM, how long running actions may take to finish', '30')
    .option('--concurrency <n>', 'actions run at the same time', '64')
    .option('--webhook-body-limit <bytes>', 'largest webhook body accepted (8 such bodies are received at once at most)', String(5 * 1024 * 1024))
    .option('--webhook-rate-limit <n>', 'webhook requests per minute from one address', '1200')
    .option('--replica-timeout <seconds>', 'with PostgreSQL: a server silent this long is gone and another adopts its executions', '15')
    .option('--notify <url>', 'POST execution and stage status changes here (repeatable; signed with MERIDIAN_NOTIFY_SECRET)', collect, [])
    .option('--remote-regions <regions>', REMOTE_REGIONS_HELP)
    .option(
      '--lease <seconds>',
      'how long a job\'s lease lasts unless its agent renews it (every third of it); a lapsed job runs again or fails "agent lost"',
      '30',
    )
    .option('--agent-poll <seconds>', "how long an agent's claim waits for a job before it asks again", '25')
    .option('--agent-labels <a,b,...>', AGENT_LABELS_HELP)
    .action(async (options: ServeOptions) => {
      const remote = remoteAgentSettings(options);
      const port = wholeNumber(options.port, '--port');
      const stateDir = resolveStateDir(options.stateDir);
      const meridian = await openMeridian(stateDir, {
        concurrency: wholeNumber(options.concurrency, '--concurrency'),
        leaseMs: remote.leaseMs,
        exceptRegions: remote.exceptRegions,
        agentLabels: remote.agentLabels,
        ...(options.db === undefined ? {} : { db: options.db }),
      });
      const catalog = new PipelineCatalog(options.file, (file) => loadForRun(meridian, file, undefined));
      try {
        await catalog.loadAll();
      } catch (error) {
        await meridian.close();
        throw error;
      }
      // A trigger nothing delivers pushes to never starts its pipeline: say so where a server starts.
      printWarnings(
        io,
        catalog.list().flatMap((pipeline) => triggerWarnings(pipeline)),
      );
      if (actionShield() === 'unavailable') {
        io.err(
          "warning: actions run without the shield (no mount namespaces here): their code can read this process's environment and the master key file; see docs/security.md\n",
        );
      }
      const overrides = sourceOverridesFor(catalog.list(), options.source);
      const context = {
        core: meridian,
        catalog,
        settings: {
          adminToken: apiTokenFromEnv(),
          sourceOverrides: (pipeline: string) => overrides.get(pipeline) ?? {},
          webhookBodyLimit: wholeNumber(options.webhookBodyLimit, '--webhook-body-limit'),
          webhookRateLimit: wholeNumber(options.webhookRateLimit, '--webhook-rate-limit'),
          agents: remote.agents,
          onError: (error: Error) => reportError(error),
        },
      };
      // An unexpected error answered with 500 gives the caller its request id; the log has the rest.
      const reportError = (error: Error): void => io.err(`error: ${error.message}${'requestId' in error ? ` (request ${String(error.requestId)})` : ''}\n`);
      const out = burstWriter((text) => io.out(text));
      meridian.engine.onEvent((event) => out(plainLine(event)));
      // Fastify and the routes are loaded by `serve` alone, not evaluated by every command.
      const { buildServer } = await import('../../server/server.js');
      const { app } = await buildServer(context);
      // Several servers may share a PostgreSQL database: heartbeats, and one leader adopting for the dead.
      const dbUrl = options.db ?? dbUrlFromEnv();
      const replicas =
        dbUrl !== undefined && isPostgresUrl(dbUrl)
          ? new Replicas(meridian, dbUrl, reportError, wholeNumber(options.replicaTimeout, '--replica-timeout') * 1000)
          : undefined;
      const scheduler = new Scheduler(context, { tickMs: 500, onError: reportError, ...(replicas ? { replicas } : {}) });
      const notifier = new Notifier(context, { urls: options.notify, secret: notifySecretFromEnv(), onError: reportError });
      const adopted = await scheduler.start();
      const address = await app.listen({ port, host: options.host });
      out(
        `Meridian serving ${catalog
          .list()
          .map((p) => p.name)
          .join(', ')} on ${address} (state dir ${stateDir})\n`,
      );
      if (remote.exceptRegions.length > 0)
        out(`Jobs of ${remote.exceptRegions.join(', ')} wait for remote agents (meridian agent --server ${address} --region R)\n`);
      if (adopted.length > 0) out(`Resumed ${adopted.length} unfinished execution(s): ${adopted.join(', ')}\n`);
      if (context.settings.adminToken === undefined) out('No MERIDIAN_TOKEN set: the API accepts only tokens made with `meridian tokens create`.\n');

      process.on('SIGHUP', () => void reload(catalog, io));
      await new Promise<void>((resolve) => {
        const shutdown = (signal: string): void => {
          process.off('SIGTERM', onTerm);
          process.off('SIGINT', onInt);
          void (async () => {
            out(`${signal}: no new work; waiting up to ${options.grace}s for running actions\n`);
            scheduler.stop();
            notifier.stop();
            await app.close();
            await replicas?.close();
            const cut = await meridian.agent.drain(Number(options.grace) * 1000, new MeridianError('INTERRUPTED', 'the server shut down'));
            if (cut > 0) out(`${cut} action(s) still running were interrupted; they resume on the next start\n`);
            await meridian.close();
            out('Stopped.\n');
            resolve();
          })().catch((error: unknown) => {
            reportError(error instanceof Error ? error : new Error(String(error)));
            resolve();
          });
        };
        const onTerm = (): void => shutdown('SIGTERM');
        const onInt = (): void => shutdown('SIGINT');
        process.on('SIGTERM', onTerm);
        process.on('SIGINT', onInt);
      });
    });
};

async function reload(catalog: PipelineCatalog, io: CliIO): Promise<void> {
  for (const result of await catalog.reload()) {
    if (result.ok) io.out(`Reloaded ${result.pipeline} from ${result.file}\n`);
    else io.err(`Kept the running definition of ${result.pipeline}: ${result.file} is invalid:\n${result.problems.map((p) => `  ${p}`).join('\n')}\n`);
  }
}

/** Each `--source NAME=...` applies to every pipeline that has a source NAME; one that fits none is bad input. */
function sourceOverridesFor(pipelines: Pipeline[], values: string[]): Map<string, Record<string, SourceOverride>> {
  const result = new Map<string, Record<string, SourceOverride>>();
  for (const value of values) {
    let used = false;
    for (const pipeline of pipelines) {
      try {
        const parsed = parseSourceOverrides(pipeline, [value], process.cwd());
        result.set(pipeline.name, { ...(result.get(pipeline.name) ?? {}), ...parsed });
        used = true;
      } catch (error) {
        if (!(error instanceof MeridianError && error.code === 'BAD_INPUT' && error.message.includes('has no source action'))) throw error;
      }
    }
    if (!used) throw new MeridianError('BAD_INPUT', `--source ${value}: no served pipeline has that source`);
  }
  return result;
}

function wholeNumber(text: string, flag: string): number {
  if (!/^\d+$/.test(text)) throw new MeridianError('BAD_INPUT', `${flag} ${text}: write a whole number`);
  return Number(text);
}

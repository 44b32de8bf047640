/**
 * `runtime-versions` on a host: CodeBuild installs the runtime a buildspec asks for; here
 * the host's own runtime is asked for its version (`node --version`...) and the INSTALL
 * phase fails, naming what is missing, when it does not satisfy the request. `18.x`, `18`
 * and `3.11` compare the leading numbers; `latest` takes whatever is installed; java's
 * `corretto17` / `openjdk17` mean 17.
 */
import { didYouMean, listWords } from '../../lib/suggest.js';
import { runProcess } from '../child-process.js';

interface Runtime {
  /** Human name for messages. */
  label: string;
  program: string;
  args: string[];
  /** Finds the version in the program's output. */
  version: RegExp;
}

const RUNTIMES: Record<string, Runtime> = {
  nodejs: { label: 'Node.js', program: 'node', args: ['--version'], version: /v?(\d+(?:\.\d+)*)/ },
  python: { label: 'Python', program: 'python3', args: ['--version'], version: /Python (\d+(?:\.\d+)*)/ },
  java: { label: 'Java', program: 'java', args: ['-version'], version: /version "(\d+(?:\.\d+)*)/ },
  golang: { label: 'Go', program: 'go', args: ['version'], version: /go(\d+(?:\.\d+)*)/ },
  ruby: { label: 'Ruby', program: 'ruby', args: ['--version'], version: /ruby (\d+(?:\.\d+)*)/ },
  dotnet: { label: '.NET', program: 'dotnet', args: ['--version'], version: /(\d+(?:\.\d+)*)/ },
  php: { label: 'PHP', program: 'php', args: ['--version'], version: /PHP (\d+(?:\.\d+)*)/ },
};

export const RUNTIME_NAMES = Object.keys(RUNTIMES);

export interface RuntimeRequest {
  runtime: string;
  version: string;
}

/** One line per runtime found, or the first problem as `{ problem }`. */
export async function checkRuntimes(
  requests: readonly RuntimeRequest[],
  env: NodeJS.ProcessEnv,
  signal: AbortSignal,
): Promise<{ found: string[] } | { problem: string }> {
  const found: string[] = [];
  for (const request of requests) {
    const runtime = RUNTIMES[request.runtime];
    if (!runtime) {
      const hint = didYouMean(request.runtime, RUNTIME_NAMES) ?? `the runtimes Meridian can check are ${listWords(RUNTIME_NAMES, 'and')}`;
      return { problem: `Unknown runtime named '${request.runtime}': ${hint}` };
    }
    const wanted = expand(request.version, env);
    const installed = await installedVersion(runtime, env, signal);
    if (installed === undefined) {
      return {
        problem: `${runtime.label} ${wanted} is required by runtime-versions (${request.runtime}: ${request.version}), but \`${runtime.program}\` is not installed on this host: install it, or remove ${request.runtime} from runtime-versions`,
      };
    }
    if (!satisfies(wanted, installed)) {
      return {
        problem: `${runtime.label} ${wanted} is required by runtime-versions (${request.runtime}: ${request.version}), but this host has ${installed}: install ${runtime.label} ${wanted}, or write ${request.runtime}: ${major(installed)}.x`,
      };
    }
    found.push(`Selecting '${request.runtime}' runtime version '${request.version}': the host has ${runtime.label} ${installed}`);
  }
  return { found };
}

/** `$NODE_VERSION` / `${NODE_VERSION}` from the build's environment. */
function expand(version: string, env: NodeJS.ProcessEnv): string {
  return version.replace(/\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?/g, (_, name: string) => env[name] ?? '');
}

async function installedVersion(runtime: Runtime, env: NodeJS.ProcessEnv, signal: AbortSignal): Promise<string | undefined> {
  try {
    const result = await runProcess(runtime.program, runtime.args, { env, signal });
    if (result.exitCode !== 0) return undefined;
    return runtime.version.exec(`${result.stdout}\n${result.stderr}`)?.[1];
  } catch (error) {
    if (signal.aborted) throw error;
    return undefined;
  }
}

function satisfies(wanted: string, installed: string): boolean {
  const request = wanted
    .trim()
    .toLowerCase()
    .replace(/^(corretto|openjdk)/, '');
  if (request === 'latest' || request === '') return true;
  const have = normalise(installed.split('.'));
  const want = request.split('.').filter((part) => part !== 'x' && part !== '*');
  if (want.length === 0 || want.some((part) => !/^\d+$/.test(part))) return false;
  return normalise(want).every((part, i) => Number(part) === Number(have[i]));
}

/** Java's `1.8.0` is version 8. */
function normalise(parts: string[]): string[] {
  return parts[0] === '1' && parts.length > 1 && Number(parts[1]) >= 5 ? parts.slice(1) : parts;
}

function major(version: string): string {
  return normalise(version.split('.'))[0] ?? version;
}

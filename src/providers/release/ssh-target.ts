/**
 * A release target on a host reached with the system `ssh` (key authentication only:
 * BatchMode never prompts). Every operation is one connection running one `bash -c`
 * script on the host (so a slow ~/.bashrc there multiplies); uploads stream a tar archive
 * through ssh, which is close to scp's speed and keeps symlinks.
 */
import { runProcess } from '../child-process.js';
import { inheritedEnvironment } from '../inherited-environment.js';
import type { ReleaseConfig } from './config.js';
import { sshError } from './ssh-errors.js';
import type { ExecOptions, ReleaseEntry, ReleaseTarget } from './target.js';

export interface SshTargetOptions {
  user?: string;
  host: string;
  port?: number;
  root: string;
  description: string;
  region: string;
  config: Pick<ReleaseConfig, 'sshKey' | 'knownHosts' | 'strictHostKeyChecking'>;
}

/** Single-quotes a word for a POSIX shell. */
export function quote(word: string): string {
  return `'${word.replaceAll("'", `'\\''`)}'`;
}

export function makeSshTarget(options: SshTargetOptions): ReleaseTarget {
  const { root } = options;
  const sshArgs = sshArguments(options);
  const at = (path: string): string => quote(path === '' ? root : `${root}/${path}`);
  // Short bookkeeping scripts get their own signal: they must finish even while cleaning up after an abort.
  const script = async (text: string, signal = AbortSignal.timeout(60_000)): Promise<string> => {
    const result = await runProcess('ssh', [...sshArgs, `bash -c ${quote(text)}`], { signal, env: inheritedEnvironment() });
    if (result.exitCode !== 0) throw sshError(result.exitCode, result.stderr, options);
    return result.stdout;
  };
  const test = async (text: string): Promise<boolean> => (await script(`if ${text}; then echo yes; fi`)).trim() === 'yes';

  return {
    description: options.description,
    root,
    exists: (path) => test(`[ -e ${at(path)} ] || [ -L ${at(path)} ]`),
    readText: async (path) => {
      const out = await script(`if [ -f ${at(path)} ]; then echo -n y; cat ${at(path)}; fi`);
      return out.startsWith('y') ? out.slice(1) : undefined;
    },
    writeText: (path, text) => script(`mkdir -p "$(dirname ${at(path)})" && printf %s ${quote(text)} > ${at(path)}.tmp && mv -f ${at(path)}.tmp ${at(path)}`).then(() => undefined),
    readLink: async (path) => {
      const out = await script(`if [ -L ${at(path)} ]; then echo -n y; readlink ${at(path)}; fi`);
      return out.startsWith('y') ? out.slice(1).replace(/\n$/, '') : undefined;
    },
    listDirs: async (path) => parseList(await script(`[ -d ${at(path)} ] && find ${at(path)} -mindepth 1 -maxdepth 1 -type d -printf '%T@ %f\\n' || true`)),
    makeDir: (path) => script(`mkdir -p ${at(path)}`).then(() => undefined),
    remove: (path) => script(`rm -rf ${at(path)}`).then(() => undefined),
    rename: (from, to) => script(`mv -T ${at(from)} ${at(to)}`).then(() => undefined),
    touch: (path) => script(`touch ${at(path)}`).then(() => undefined),
    pointLink: (path, target) => {
      const temp = `${at(path)}.tmp-$$`;
      return script(`ln -sfn ${quote(target)} ${temp} && mv -T ${temp} ${at(path)}`).then(() => undefined);
    },
    upload: async (source, path, signal) => {
      const remote = `bash -c ${quote(`rm -rf ${at(path)} && mkdir -p ${at(path)} && tar -C ${at(path)} -xf -`)}`;
      // pipefail: a tar that fails locally must fail the upload, not only ssh.
      const pipeline = 'set -o pipefail; tar -C "$1" -cf - . | ssh "${@:3}" "$2"';
      const result = await runProcess('bash', ['-c', pipeline, 'upload', source, remote, ...sshArgs], { signal, env: inheritedEnvironment() });
      if (result.exitCode !== 0) throw sshError(result.exitCode, result.stderr, options);
    },
    exec: (command, execOptions) => exec(command, sshArgs, at(execOptions.cwd), execOptions, options),
  };
}

function sshArguments(options: SshTargetOptions): string[] {
  const { config } = options;
  const args = ['-o', 'BatchMode=yes', '-o', 'ConnectTimeout=10', '-o', 'LogLevel=ERROR', '-o', `StrictHostKeyChecking=${config.strictHostKeyChecking ? 'yes' : 'no'}`];
  if (config.knownHosts !== undefined) args.push('-o', `UserKnownHostsFile=${config.knownHosts}`);
  else if (!config.strictHostKeyChecking) args.push('-o', 'UserKnownHostsFile=/dev/null');
  if (config.sshKey !== undefined) args.push('-i', config.sshKey, '-o', 'IdentitiesOnly=yes');
  if (options.port !== undefined) args.push('-p', String(options.port));
  args.push(options.user === undefined ? options.host : `${options.user}@${options.host}`);
  return args;
}

async function exec(command: string, sshArgs: string[], cwd: string, options: ExecOptions, where: SshTargetOptions): Promise<number | null> {
  const exports = Object.entries(options.env).map(([name, value]) => `export ${name}=${quote(value)}`);
  const text = [...exports, `cd ${cwd}`, command].join('\n');
  let stderr = '';
  const result = await runProcess('ssh', [...sshArgs, `bash -c ${quote(text)}`], {
    signal: options.signal,
    env: inheritedEnvironment(),
    onOutput: (chunk) => {
      stderr = (stderr + chunk).slice(-4000);
      options.onOutput(chunk);
    },
  });
  // 255 is ssh's own failure (connection, authentication); a command's exit code is passed through.
  if (result.exitCode === 255) throw sshError(255, stderr, where);
  return result.exitCode;
}

function parseList(text: string): ReleaseEntry[] {
  return text
    .split('\n')
    .filter((line) => line.includes(' '))
    .map((line) => {
      const space = line.indexOf(' ');
      return { name: line.slice(space + 1), mtimeMs: Number(line.slice(0, space)) * 1000 };
    });
}

/**
 * A release target on a host reached with the system `ssh` (key authentication only:
 * BatchMode never prompts). The action's first operation starts one master connection
 * (ssh-master.ts) and every operation, the first included, runs one `bash -c` script on
 * the host in a session over it (so a slow ~/.bashrc there still multiplies); uploads
 * stream a tar archive through ssh, which is close to scp's speed and keeps symlinks.
 * `close` ends the connection.
 */
import { runProcess } from '../child-process.js';
import { inheritedEnvironment } from '../inherited-environment.js';
import type { ReleaseConfig } from './config.js';
import { quote, remoteCommand } from './remote-command.js';
import { sshError } from './ssh-errors.js';
import { startMaster, type SshMaster } from './ssh-master.js';
import type { ExecOptions, ReleaseEntry, ReleaseTarget } from './target.js';

export interface SshTargetOptions {
  user?: string;
  host: string;
  port?: number;
  root: string;
  description: string;
  region: string;
  config: Pick<ReleaseConfig, 'sshKey' | 'knownHosts' | 'strictHostKeyChecking'>;
  /** The action's signal: a stop while the connection is being made gives up on it. */
  signal: AbortSignal;
}

/**
 * Runs its arguments with stdin's pipe widened to 1 MiB (F_SETPIPE_SZ is 1031 on Linux;
 * elsewhere, or above /proc/sys/fs/pipe-max-size, the call fails and changes nothing).
 * sshd moves a session's input into the command's stdin one pipe-full per turn of its
 * loop, so with 64 KiB pipes its channel buffer fills up to the whole window, and on a
 * fresh connection each turn then reallocates that buffer (memmove and page faults in a
 * profile of sshd): a 50 MB upload took two to three times as long as scp, whose SFTP
 * writes the files inside sshd. perl is there on most hosts (Debian's perl-base is
 * essential); without it the upload is only slower.
 */
const WIDEN_STDIN_PIPE = 'fcntl(STDIN, 1031, 1 << 20); exec @ARGV; print STDERR "cannot run $ARGV[0]: $!\\n"; exit 127';

export function makeSshTarget(options: SshTargetOptions): ReleaseTarget {
  const { root } = options;
  const direct = sshArguments(options);
  let master: Promise<SshMaster> | undefined;
  /** The arguments of one operation's ssh: a session over the action's master, which the first operation starts. */
  const sshArgs = async (): Promise<string[]> => {
    master ??= startMaster(direct, options.signal, (exitCode, stderr) => sshError(exitCode, stderr, options));
    return [...(await master).clientOptions, ...direct];
  };
  const at = (path: string): string => quote(path === '' ? root : `${root}/${path}`);
  // Short bookkeeping scripts get their own signal: they must finish even while cleaning up after an abort.
  const script = async (text: string, signal = AbortSignal.timeout(60_000)): Promise<string> => {
    const result = await runProcess('ssh', [...(await sshArgs()), `bash -c ${quote(text)}`], { signal, env: inheritedEnvironment() });
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
    writeText: (path, text) =>
      script(`mkdir -p "$(dirname ${at(path)})" && printf %s ${quote(text)} > ${at(path)}.tmp && mv -f ${at(path)}.tmp ${at(path)}`).then(() => undefined),
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
      const unpack = `tar -C ${at(path)} -xf -`;
      const widened = `if command -v perl >/dev/null; then exec perl -e ${quote(WIDEN_STDIN_PIPE)} ${unpack}; else exec ${unpack}; fi`;
      const remote = `bash -c ${quote(`rm -rf ${at(path)} && mkdir -p ${at(path)} && ${widened}`)}`;
      // pipefail: a tar that fails locally must fail the upload, not only ssh.
      const pipeline = 'set -o pipefail; tar -C "$1" -cf - . | ssh "${@:3}" "$2"';
      const result = await runProcess('bash', ['-c', pipeline, 'upload', source, remote, ...(await sshArgs())], { signal, env: inheritedEnvironment() });
      if (result.exitCode !== 0) throw sshError(result.exitCode, result.stderr, options);
    },
    exec: async (command, execOptions) => exec(command, await sshArgs(), at(execOptions.cwd), execOptions, options),
    // After close, an operation would find no socket and connect on its own; none is expected.
    close: async () => {
      const started = await master?.catch(() => undefined);
      await started?.close();
    },
  };
}

function sshArguments(options: SshTargetOptions): string[] {
  const { config } = options;
  const args = [
    '-o',
    'BatchMode=yes',
    '-o',
    'ConnectTimeout=10',
    '-o',
    'LogLevel=ERROR',
    '-o',
    `StrictHostKeyChecking=${config.strictHostKeyChecking ? 'yes' : 'no'}`,
  ];
  if (config.knownHosts !== undefined) args.push('-o', `UserKnownHostsFile=${config.knownHosts}`);
  else if (!config.strictHostKeyChecking) args.push('-o', 'UserKnownHostsFile=/dev/null');
  if (config.sshKey !== undefined) args.push('-i', config.sshKey, '-o', 'IdentitiesOnly=yes');
  if (options.port !== undefined) args.push('-p', String(options.port));
  args.push(options.user === undefined ? options.host : `${options.user}@${options.host}`);
  return args;
}

async function exec(command: string, sshArgs: string[], cwd: string, options: ExecOptions, where: SshTargetOptions): Promise<number | null> {
  let stderr = '';
  const result = await runProcess('ssh', [...sshArgs, remoteCommand(command, cwd, options.env, options.leftovers)], {
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

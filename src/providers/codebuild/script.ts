/**
 * The bash script that runs a build's four phases. All commands of a 0.2 build are
 * `eval`ed at the top level of ONE shell, so `cd`, `export` and shell variables carry over
 * from phase to phase [CB-SPEC]; in 0.1 (and in a phase that runs as another user) each
 * command runs in its own child shell. The phase transitions of on-failure.ts are compiled
 * into the script, so a build needs no round trip to Node between commands.
 *
 * Files the script writes (see ScriptFiles): the position of the running command (so a
 * command that ends the shell with `exit` or `set -e` is known and the build can go on in
 * a new shell: `StartPoint`), the environment at each phase start, each phase's result and
 * the exported variables once POST_BUILD is over. Only builtins and `>|` are used, so a
 * command that sets `noclobber`, `set -u` or defines functions cannot break the script.
 */
import { quote } from '../commands/script.js';
import type { OnFailure } from './on-failure.js';

export const PHASE_NAMES = ['INSTALL', 'PRE_BUILD', 'BUILD', 'POST_BUILD'] as const;
export type PhaseKey = (typeof PHASE_NAMES)[number];

export interface PlannedPhase {
  name: PhaseKey;
  commands: readonly string[];
  finally: readonly string[];
  onFailure: OnFailure;
  /** Words that run one command as another user (`runuser -u bob --`): each command then gets its own shell. */
  runAs?: readonly string[];
  /** The phase fails before its commands (a missing runtime, an unusable run-as): status code and message. */
  preFailure?: { code: string; message: string };
}

export interface BuildPlan {
  phases: readonly PlannedPhase[];
  /** Version 0.1: every command in its own shell. */
  separateShells: boolean;
  shell: 'bash' | 'sh';
  /** Retries already made: a RETRY phase retries only while this is below its count. */
  retriesUsed: number;
  exportedVariables: readonly string[];
  /** Artifact `name`s, expanded by the shell once the phases are over. */
  artifactNames: readonly string[];
}

export interface ScriptFiles {
  /** A line `P c I` / `P f I` (phase, commands or finally, index) as each command starts; `end ...` at the end. */
  status: string;
  /** The error message of the current phase, once it failed. */
  message: string;
  /** `NAME\0STATE\0MILLISECONDS\0MESSAGE\0` per finished phase. */
  phases: string;
  /** `export -p`, the folder and the script's flags at the start of the current phase. */
  env: string;
  /** `NAME=value\0` per exported variable that is set. */
  variables: string;
  /** One expanded artifact name per `\0`. */
  names: string;
}

/** Where a build goes on after its shell ended in the middle of a command. */
export interface StartPoint {
  phase: number;
  section: 'commands' | 'finally';
  index: number;
  /** The exit status the shell ended with: the status of that command. */
  status: number;
  /** The phase's error message when it had failed before this command (in `finally`). */
  earlierFailure?: string;
}

const PRELUDE = `
__mer_log() {
  local __mer_now=$EPOCHREALTIME; local __mer_s=\${__mer_now%[.,]*}
  if (( __mer_s != __mer_sec )); then
    if (( __mer_s / 86400 != __mer_day )); then __mer_date $(( __mer_s / 86400 )); fi
    builtin printf -v __mer_hms '%s %02d:%02d:%02d' "$__mer_ymd" $(( __mer_s % 86400 / 3600 )) $(( __mer_s % 3600 / 60 )) $(( __mer_s % 60 )); __mer_sec=$__mer_s
  fi
  builtin printf '[Container] %s.%s %s\\n' "$__mer_hms" "\${__mer_now#*[.,]}" "$1"
}
# Before each command: its position for Node (one write on an open descriptor), then the log line.
__mer_run() { builtin printf '%s\\n' "$1" >&$__mer_fd; __mer_log "Running command $2"; }
# UTC calendar date of a day number, without forking date or switching TZ (H. Hinnant's civil_from_days).
__mer_date() {
  local z=$(( $1 + 719468 )) era doe yoe doy mp d m y
  era=$(( z / 146097 )); doe=$(( z - era * 146097 )); yoe=$(( (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365 ))
  doy=$(( doe - (365 * yoe + yoe / 4 - yoe / 100) )); mp=$(( (5 * doy + 2) / 153 )); d=$(( doy - (153 * mp + 2) / 5 + 1 ))
  m=$(( mp < 10 ? mp + 3 : mp - 9 )); y=$(( yoe + era * 400 + (m <= 2) ))
  builtin printf -v __mer_ymd '%04d/%02d/%02d' "$y" "$m" "$d"; __mer_day=$1
}
__mer_cmd_end() { if (( $1 != 0 )); then __mer_pf=1; __mer_msg="Error while executing command: $2. Reason: exit status $1"; builtin printf '%s' "$__mer_msg" >| "$__mer_f_msg"; __mer_log "Command did not exit successfully $2 exit status $1"; fi; }
__mer_fin_end() { if (( $1 != 0 )); then __mer_ff=1; if (( __mer_pf == 0 )); then __mer_pf=1; __mer_msg="Error while executing command: $2. Reason: exit status $1"; builtin printf '%s' "$__mer_msg" >| "$__mer_f_msg"; fi; __mer_log "Command did not exit successfully $2 exit status $1"; fi; }
__mer_begin() {
  __mer_t0=\${EPOCHREALTIME/[.,]/}; __mer_pf=0; __mer_ff=0; __mer_msg=; __mer_code=; : >| "$__mer_f_msg"
  { builtin export -p; builtin printf 'builtin cd -- %q\\n__mer_ok=%s __mer_built=%s __mer_t0=%s\\n' "$PWD" "$__mer_ok" "$__mer_built" "$__mer_t0"; } >| "$__mer_f_env"
  __mer_log "Entering phase $1"
}
__mer_end() {
  local __mer_ms=$(( (\${EPOCHREALTIME/[.,]/} - __mer_t0) / 1000 )) __mer_state=SUCCEEDED
  if (( __mer_pf )); then __mer_state=FAILED; __mer_ok=0; builtin export CODEBUILD_BUILD_SUCCEEDING=0; fi
  __mer_log "Phase complete: $1 State: $__mer_state ($(( __mer_ms / 1000 )).$(( __mer_ms % 1000 / 100 ))$(( __mer_ms % 100 / 10 ))$(( __mer_ms % 10 )) seconds)"
  if (( __mer_pf )); then __mer_log "Phase context status code: \${__mer_code:-COMMAND_EXECUTION_ERROR} Message: $__mer_msg"; else __mer_log 'Phase context status code:  Message: '; fi
  builtin printf '%s\\0%s\\0%s\\0%s\\0' "$1" "$__mer_state" "$__mer_ms" "$__mer_msg" >> "$__mer_f_phases"
}
`;

export function renderBuildScript(plan: BuildPlan, files: ScriptFiles, start?: StartPoint): string {
  const lines = ['exec 2>&1 </dev/null'];
  if (plan.shell === 'sh') lines.push('set -o posix');
  lines.push(
    `__mer_f_status=${quote(files.status)} __mer_f_msg=${quote(files.message)} __mer_f_phases=${quote(files.phases)} __mer_f_env=${quote(files.env)}`,
    PRELUDE,
    '__mer_ok=1 __mer_built=0 __mer_stop=0 __mer_retry=0 __mer_abort=0 __mer_pf=0 __mer_ff=0 __mer_msg= __mer_code= __mer_t0=0 __mer_day=-1 __mer_sec=-1 __mer_ymd= __mer_hms=',
    // Positions are appended to one open descriptor: a write per command, no open or close.
    'exec {__mer_fd}>>"$__mer_f_status"',
  );
  if (start) lines.push(`builtin source "$__mer_f_env" 2>/dev/null`);
  plan.phases.forEach((phase, index) => {
    if (start && index < start.phase) return;
    lines.push(...renderPhase(plan, phase, index, start?.phase === index ? start : undefined));
  });
  lines.push(...renderEpilogue(plan, files));
  return `${lines.join('\n')}\n`;
}

function renderPhase(plan: BuildPlan, phase: PlannedPhase, index: number, resume: StartPoint | undefined): string[] {
  const lines = ['if (( __mer_stop == 0 )); then'];
  if (phase.name === 'BUILD') lines.push('__mer_built=1');
  let firstCommand = 0;
  let firstFinally = 0;
  if (resume) {
    // The phase was entered by the shell that ended: no second `Entering phase`.
    lines.push(
      `__mer_pf=0; __mer_ff=0; __mer_msg=; __mer_code=; __mer_log ${quote('The shell ended during a command; the build goes on in a new shell with the environment of the phase start')}`,
    );
    const list = resume.section === 'commands' ? phase.commands : phase.finally;
    const command = list[resume.index] ?? '';
    if (resume.earlierFailure !== undefined) lines.push(`__mer_pf=1; __mer_msg=${quote(resume.earlierFailure)}`);
    lines.push(`${resume.section === 'commands' ? '__mer_cmd_end' : '__mer_fin_end'} ${resume.status} ${quote(command)}`);
    if (resume.section === 'commands') firstCommand = resume.index + 1;
    else {
      firstCommand = phase.commands.length;
      firstFinally = resume.index + 1;
    }
  } else {
    lines.push(`__mer_begin ${phase.name}`);
    if (phase.preFailure) {
      lines.push(
        `__mer_pf=1; __mer_code=${quote(phase.preFailure.code)}; __mer_msg=${quote(phase.preFailure.message)}; builtin printf '%s' "$__mer_msg" >| "$__mer_f_msg"; __mer_log "$__mer_msg"`,
      );
    }
  }
  phase.commands.forEach((command, i) => {
    if (i >= firstCommand) lines.push(renderCommand(plan, phase, index, 'c', i, command, '__mer_pf', '__mer_cmd_end'));
  });
  phase.finally.forEach((command, i) => {
    if (i >= firstFinally) lines.push(renderCommand(plan, phase, index, 'f', i, command, '__mer_ff', '__mer_fin_end'));
  });
  lines.push(`__mer_end ${phase.name}`, `if (( __mer_pf )); then ${transition(plan, phase)}; fi`, 'fi');
  return lines;
}

function renderCommand(
  plan: BuildPlan,
  phase: PlannedPhase,
  index: number,
  section: 'c' | 'f',
  i: number,
  command: string,
  guard: string,
  end: string,
): string {
  const quoted = quote(command);
  const shell = plan.shell === 'sh' ? ['sh', '-c'] : ['bash', '--noprofile', '--norc', '-c'];
  const run = phase.runAs || plan.separateShells ? [...(phase.runAs ?? []), ...shell].map(quote).join(' ') + ` ${quoted}` : `eval ${quoted}`;
  return `if (( ${guard} == 0 )); then __mer_run '${index} ${section} ${i}' ${quoted}; ${run}; ${end} $? ${quoted}; fi`;
}

function transition(plan: BuildPlan, phase: PlannedPhase): string {
  const byDefault = phase.name === 'INSTALL' || phase.name === 'PRE_BUILD' ? '__mer_stop=1' : ':';
  const { onFailure } = phase;
  switch (onFailure.mode) {
    case 'DEFAULT':
    case 'CONTINUE':
      return onFailure.mode === 'DEFAULT' ? byDefault : ':';
    case 'ABORT':
      return `__mer_stop=1; __mer_abort=1; __mer_log 'on-failure ABORT: the build stops here'`;
    case 'RETRY': {
      if (plan.retriesUsed >= onFailure.count) return byDefault;
      const retry = `__mer_stop=1; __mer_retry=1; __mer_log 'on-failure RETRY: the build will be retried'`;
      if (onFailure.pattern === undefined) return retry;
      // Unquoted on the right of =~ so that it is a regex, not a literal string.
      return `__mer_re=${quote(onFailure.pattern)}; if [[ $__mer_msg =~ $__mer_re ]]; then ${retry}; else ${byDefault}; fi`;
    }
    default:
      return onFailure satisfies never;
  }
}

function renderEpilogue(plan: BuildPlan, files: ScriptFiles): string[] {
  const variables = plan.exportedVariables.map((name) => `if [[ -v ${name} ]]; then builtin printf '%s=%s\\0' ${name} "\${${name}}"; fi; `).join('');
  // Names may use shell expansion ($AWS_REGION, $(date)); a subshell keeps set -eu of a command away.
  const names = plan.artifactNames.map((name) => `builtin printf '%s\\0' "${name.replace(/[\\"]/g, (c) => `\\${c}`)}"; `).join('');
  return [
    ...(variables === '' ? [] : [`{ ${variables}} >| ${quote(files.variables)}`]),
    ...(names === '' ? [] : [`( set +eu; { ${names}} >| ${quote(files.names)} )`]),
    `builtin printf 'end %s %s %s %s\\n' "$__mer_ok" "$__mer_built" "$__mer_retry" "$__mer_abort" >&$__mer_fd`,
    'builtin exit 0',
  ];
}

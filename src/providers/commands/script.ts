/**
 * The bash script a Commands action runs. Every command is `eval`ed in the same shell, so
 * `cd`, `export` and shell variables carry over (CodeBuild 0.2); the first failing command
 * ends the shell. Before each command the script records its number in a status file, so
 * the exit status of the shell says which command failed even when the command itself
 * called `exit` or `set -e`, or replaced the EXIT trap. The epilogue writes the requested
 * output variables, exported or not, NUL-separated.
 *
 * The script only uses builtins and syntax (`builtin printf`, `((...))`, `>|`) so that
 * functions, `noclobber` or `set -u` left behind by a command cannot break it.
 */

export interface ScriptPaths {
  /** Holds the number of the running command, then `done`. */
  status: string;
  /** Receives `NAME=value\0` per output variable that is set. */
  variables: string;
}

export const DONE = 'done';

export function renderScript(commands: readonly string[], outputVariables: readonly string[], paths: ScriptPaths): string {
  const lines = ['exec 2>&1'];
  commands.forEach((command, index) => {
    lines.push(
      `builtin printf '%s' ${index + 1} >| ${quote(paths.status)}`,
      `builtin printf '[Meridian] Running command %s\\n' ${quote(command)}`,
      `eval ${quote(command)}`,
      '__meridian_rc=$?; if (( __meridian_rc != 0 )); then builtin exit "$__meridian_rc"; fi',
    );
  });
  lines.push(`builtin printf '%s' ${DONE} >| ${quote(paths.status)}`);
  lines.push(
    `{ :; ${outputVariables.map((name) => `if [[ -v ${name} ]]; then builtin printf '%s=%s\\0' ${name} "\${${name}}"; fi; `).join('')}} >| ${quote(paths.variables)}`,
  );
  lines.push('builtin exit 0', '');
  return lines.join('\n');
}

/** Parses what the epilogue wrote. */
export function parseVariables(text: string): Map<string, string> {
  const variables = new Map<string, string>();
  for (const entry of text.split('\0')) {
    const at = entry.indexOf('=');
    if (at > 0) variables.set(entry.slice(0, at), entry.slice(at + 1));
  }
  return variables;
}

/** A single-quoted bash word. */
export function quote(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`;
}

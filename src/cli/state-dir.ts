import path from 'node:path';

/** Every command that reads or writes state takes `--state-dir DIR` (default `.meridian`). */
export const STATE_DIR_FLAGS = '--state-dir <dir>';
export const STATE_DIR_HELP = 'where Meridian keeps its state';

export function resolveStateDir(option: string | undefined): string {
  return path.resolve(option ?? '.meridian');
}

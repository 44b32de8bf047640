/**
 * `meridian tokens create` refuses a name with control characters: the name goes into logs
 * and events as who did what, and a CR or LF in it would forge lines there.
 */
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp.js';

describe('meridian tokens create --name', () => {
  it('refuses CR, LF, tab and other control characters in the name (exit 2), and makes no token', async () => {
    const stateDir = tempDir();
    for (const name of ['ci-bot\r\n2026-01-01 approved by admin', 'ci\nbot', 'ci\tbot', 'ci\u0085bot', 'ci\u2028bot', 'ci\u001b[31mbot']) {
      const made = await runCli(['tokens', 'create', '--role', 'operator', '--name', name, '--state-dir', stateDir]);
      expect(made.code, JSON.stringify(name)).toBe(2);
      expect(made.stdout).toBe('');
      expect(made.stderr).toContain('a token name is one line of printable text, without control characters (CR, LF, tab...): e.g. --name ci-bot');
    }
    const listed = await runCli(['tokens', 'list', '--json', '--state-dir', stateDir]);
    expect(listed.code, listed.stderr).toBe(0);
    expect(JSON.parse(listed.stdout)).toEqual([]);

    // A name of printable characters, spaces and all, is fine.
    const ok = await runCli(['tokens', 'create', '--role', 'operator', '--name', 'CI bot (nightly) — é', '--state-dir', stateDir]);
    expect(ok.code, ok.stderr).toBe(0);
  });
});

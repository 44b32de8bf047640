/** A definition that would exhaust the parser is a definition problem: exit 2, at FILE:LINE:COL, with what to write. */
import path from 'node:path';
import { writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp.js';

const PIPELINE = `pipeline: limits
sources:
  app: { git: /srv/app }
stages:
  - name: Build
    actions:
      - name: test
        uses: commands
        inputs: [app]
        commands: [echo ok]
`;

function billionLaughs(): string {
  const names = 'abcdefghi';
  const lines = ['laughs:', '  a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]'];
  for (let i = 1; i < names.length; i++)
    lines.push(
      `  ${names[i]}: &${names[i]} [${Array(9)
        .fill(`*${names[i - 1]}`)
        .join(', ')}]`,
    );
  return `${lines.join('\n')}\n${PIPELINE}`;
}

const CASES = [
  {
    what: 'a billion laughs',
    text: billionLaughs(),
    // `f: &f [*e, ...]` on line 7: its first *e expands past the limit.
    where: ':7:10: alias *e makes the aliases of this file stand for more than 100,000 values',
    hint: 'write the values out',
  },
  {
    what: 'lists nested 5,000 deep',
    text: `pipeline: deep\nx: ${'['.repeat(5000)}${']'.repeat(5000)}\n`,
    where: ':2:103: this value is nested more than 100 levels deep',
    hint: 'close the brackets',
  },
];

describe('definitions past the YAML limits', () => {
  for (const { what, text, where, hint } of CASES) {
    it(`validate and run refuse ${what} with exit 2 at its place`, async () => {
      const dir = tempDir();
      const file = path.join(dir, 'meridian.yaml');
      writeFileSync(file, text);
      for (const args of [
        ['validate', '-f', file],
        ['run', '-f', file, '--state-dir', path.join(dir, 'state')],
      ]) {
        const result = await runCli(args);
        expect(result.stderr).toContain(`${file}${where}`);
        expect(result.stderr).toContain(hint);
        expect(result.stderr).not.toMatch(/call stack|resource exhaustion/);
        expect(result.code, `${args[0]!}: ${result.stderr}`).toBe(2);
      }
    });
  }
});

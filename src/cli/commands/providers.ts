import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { STATUS_WORDS, SUPPORT, type SupportEntry } from '../../definition/support.js';
import { registerBuiltinProviders } from '../../providers/builtin.js';
import { ProviderRegistry } from '../../providers/registry.js';
import { referencePages } from '../provider-reference.js';
import type { RegisterCommand } from './index.js';

/** The support table, with any registered type it does not list (a third-party provider) as running. */
export function supportTable(registered: readonly string[]): SupportEntry[] {
  const extra = registered
    .filter((type) => !SUPPORT.some((entry) => entry.type === type))
    .map((type): SupportEntry => ({ type, status: 'runs', note: 'a registered provider' }));
  return [...SUPPORT, ...extra];
}

export const registerProviders: RegisterCommand = (program: Command, io) => {
  program
    .command('providers')
    .description('list every CodePipeline action type and stage-condition rule with what Meridian does with it')
    .option('--json', 'print the table as JSON: [{ type, status, note, alternative? }]')
    .option('--reference <dir>', "write the action reference pages (every type's configuration keys) into this folder instead")
    .action((options: { json?: boolean; reference?: string }) => {
      const registry = registerBuiltinProviders(new ProviderRegistry());
      if (options.reference !== undefined) {
        const pages = referencePages(registry);
        mkdirSync(options.reference, { recursive: true });
        for (const [file, text] of pages) writeFileSync(path.join(options.reference, file), text);
        io.out(`wrote ${pages.size} pages in ${options.reference}\n`);
        return;
      }
      const table = supportTable(registry.types());
      if (options.json) {
        io.out(`${JSON.stringify(table, null, 2)}\n`);
        return;
      }
      const width = Math.max(...table.map((entry) => entry.type.length));
      const statusWidth = Math.max(...Object.values(STATUS_WORDS).map((word) => word.length));
      for (const entry of table) {
        const detail = entry.status === 'refused' ? `${entry.note}; instead: ${entry.alternative ?? '-'}` : entry.note;
        io.out(`${entry.type.padEnd(width)}  ${STATUS_WORDS[entry.status].padEnd(statusWidth)}  ${detail}\n`);
      }
    });
};

import type { Command } from 'commander';
import { nativeJsonSchema } from '../../definition/native/schema.js';
import type { RegisterCommand } from './index.js';

export const registerSchema: RegisterCommand = (program: Command, io) => {
  program
    .command('schema')
    .description('print the JSON Schema of meridian.yaml, for editors')
    .action(() => {
      io.out(`${JSON.stringify(nativeJsonSchema(), null, 2)}\n`);
    });
};

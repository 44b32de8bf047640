import type { Command } from 'commander';
import { nativeJsonSchema } from '../../definition/native/schema.js';
import { registerBuiltinProviders } from '../../providers/builtin.js';
import { ProviderRegistry } from '../../providers/registry.js';
import { withSchemas } from '../with-schemas.js';
import type { RegisterCommand } from './index.js';

export const registerSchema: RegisterCommand = (program: Command, io) => {
  program
    .command('schema')
    .description("print the JSON Schema of meridian.yaml, for editors: every key, and each action's `with:` as its `uses:` takes it")
    .action(() => {
      io.out(`${JSON.stringify(nativeJsonSchema(withSchemas(registerBuiltinProviders(new ProviderRegistry()))), null, 2)}\n`);
    });
};

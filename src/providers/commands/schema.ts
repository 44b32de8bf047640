/** The configuration of `Compute/AWS/Commands` (native `uses: commands`): its commands are the action's own fields. */
import type { ConfigSchema } from '../config-schema.js';

export const COMMANDS_SCHEMA: ConfigSchema = {
  summary: "Runs the action's `commands` in one bash shell in the primary input's folder; `outputVariables` are exported.",
  fields: {
    files: {
      type: 'list',
      description: 'Globs of files (relative to the primary input) copied into the output artifact.',
      example: ['dist/**', 'template.yaml'],
    },
  },
  example: {},
};

/**
 * The Commands action (`Compute/AWS/Commands`): 1–50 commands of at most 1000 characters;
 * `commands` and `outputVariables` belong to it alone; environment variables to it and CodeBuild.
 */
import type { Problem } from '../../domain/errors.js';
import { actionTypeKey } from '../../domain/pipeline.js';
import { problem } from '../../lib/problems.js';
import { placedActions, type Rule } from './rule.js';

const COMMANDS_TYPE = 'Compute/AWS/Commands';
const MAX_COMMANDS = 50;
const MAX_COMMAND_LENGTH = 1000;

export const commandsAction: Rule = (pipeline, locate) => {
  const problems: Problem[] = [];
  for (const { stage, index, action } of placedActions(pipeline)) {
    const isCommands = actionTypeKey(action.type) === COMMANDS_TYPE;
    if (!isCommands) {
      // CodeBuild actions take environment variables too (the action's override of the project's).
      const fields =
        action.type.provider === 'CodeBuild' ? (['commands', 'outputVariables'] as const) : (['commands', 'outputVariables', 'environmentVariables'] as const);
      for (const field of fields) {
        if (action[field] !== undefined) {
          problems.push(
            problem(
              locate.action(stage, index, field),
              `${field} only apply to Commands actions (${COMMANDS_TYPE}); ${action.name} is ${actionTypeKey(action.type)}`,
              `remove ${field}, or make the action a Commands action`,
            ),
          );
        }
      }
      continue;
    }
    const commands = action.commands ?? [];
    if (commands.length === 0 || commands.length > MAX_COMMANDS) {
      problems.push(
        problem(
          locate.action(stage, index, 'commands'),
          `a Commands action needs 1 to ${MAX_COMMANDS} commands; ${action.name} has ${commands.length}`,
          'list the shell commands to run under `commands`',
        ),
      );
    }
    commands.forEach((command, k) => {
      if (command.length === 0 || command.length > MAX_COMMAND_LENGTH) {
        problems.push(
          problem(
            locate.action(stage, index, `commands.${k}`),
            `a command must have 1 to ${MAX_COMMAND_LENGTH} characters (this one has ${command.length})`,
            'move long scripts into a file in the source and run that file',
          ),
        );
      }
    });
  }
  return problems;
};

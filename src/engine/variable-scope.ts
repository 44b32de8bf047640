import type { VariableScope } from '../domain/variables.js';
import type { ExecutionSnapshot } from '../domain/records.js';

/** The variables an execution has so far: Meridian's own and the namespaces of actions that succeeded (as an action sees them). */
export function variableScope(snapshot: {
  execution: Pick<ExecutionSnapshot['execution'], 'id' | 'definition' | 'context'>;
  actions: ExecutionSnapshot['actions'];
}): VariableScope {
  const { execution } = snapshot;
  const scope: VariableScope = {
    codepipeline: { PipelineExecutionId: execution.id },
    variables: execution.context.variables,
    parameters: execution.context.parameters,
  };
  for (const record of snapshot.actions) {
    const namespace = execution.definition.stages[record.stageIndex]?.actions[record.actionIndex]?.namespace;
    if (namespace && record.status === 'Succeeded') scope[namespace] = record.outputVariables;
  }
  return scope;
}

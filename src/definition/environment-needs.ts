/**
 * What a definition reads from the machine's state rather than from its own text: parameters
 * (SSM-typed template parameters, `PARAMETER_STORE` variables, webhook secrets kept as
 * parameters) and secrets (`SECRETS_MANAGER` variables, webhook secrets kept as secrets).
 * `meridian validate` checks each against the stores it can see; exports are checked while
 * the template is compiled (`!ImportValue`). A name holding `#{...}` is only known when an
 * execution starts, so it is left out.
 */
import type { SourceLocation } from '../domain/pipeline.js';
import type { Pipeline } from '../domain/pipeline.js';
import type { PipelineLocator } from './trace.js';

export interface EnvironmentNeed {
  kind: 'parameter' | 'secret';
  /** A parameter name, or a secret reference `id[:json-key[:stage[:version]]]`. */
  name: string;
  /** Who reads it, for the message: `template parameter DbHost`, `webhook OrdersHook`... */
  reader: string;
  location: SourceLocation;
}

export function environmentNeeds(pipeline: Pipeline, locate: PipelineLocator): EnvironmentNeed[] {
  const needs: EnvironmentNeed[] = [];
  const add = (need: EnvironmentNeed): void => {
    if (!need.name.includes('#{')) needs.push(need);
  };
  for (const parameter of pipeline.parameters) {
    if (parameter.type !== 'SSM' || parameter.default === undefined) continue;
    add({ kind: 'parameter', name: parameter.default, reader: `template parameter ${parameter.name}`, location: parameter.location ?? locate.pipeline() });
  }
  pipeline.webhooks.forEach((webhook, index) => {
    const secret = webhook.secret;
    if (secret === undefined || secret.kind === 'plain') return;
    const location = webhook.location ?? locate.pipeline(`webhooks.${index}`);
    const reader = `webhook ${webhook.name}`;
    add(
      secret.kind === 'parameter' ? { kind: 'parameter', name: secret.name, reader, location } : { kind: 'secret', name: secret.reference, reader, location },
    );
  });
  pipeline.stages.forEach((stage, s) =>
    stage.actions.forEach((action, a) =>
      (action.environmentVariables ?? []).forEach((variable, v) => {
        if (variable.type === 'PLAINTEXT') return;
        const kind = variable.type === 'PARAMETER_STORE' ? 'parameter' : 'secret';
        const reader = `variable ${variable.name} of ${stage.name}/${action.name}`;
        add({ kind, name: variable.value, reader, location: locate.action(s, a, `environmentVariables.${v}`) });
      }),
    ),
  );
  return needs;
}

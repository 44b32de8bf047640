/**
 * Template parameters read from SecureString SSM parameters are not kept in the execution's
 * context (that is stored in clear); a job whose action references one reads it when its spec
 * is made, and the spec lists the value so the agent masks it in everything it shows or stores.
 */
import type { ParameterReader } from '../../domain/jobs/host-services.js';
import type { Action, Pipeline } from '../../domain/pipeline.js';
import type { ExecutionContext } from '../../domain/records.js';
import { referencedNamespaces } from '../../domain/variables.js';

export interface SecureValues {
  /** Template parameter name -> value, for the parameters namespace of the action's scope. */
  values: Record<string, string>;
  problem?: string;
}

/** The SecureString template parameters `action` (or a resource it deploys) references, read now. */
export async function readSecureParameters(
  context: ExecutionContext,
  action: Action,
  resources: Pipeline['resources'],
  reader: ParameterReader | undefined,
): Promise<SecureValues> {
  const secure = context.secureParameters ?? {};
  if (Object.keys(secure).length === 0) return { values: {} };
  const text = JSON.stringify([action, resources]);
  const names = new Set(referencedNamespaces(text).flatMap((ref) => (ref.namespace === 'parameters' && ref.name in secure ? [ref.name] : [])));
  const values: Record<string, string> = {};
  for (const name of names) {
    const ssmName = secure[name] as string;
    if (!reader) return { values, problem: `template parameter ${name} is a SecureString (${ssmName}), and this process cannot read parameters` };
    try {
      values[name] = (await reader.get(ssmName)).value;
    } catch (thrown) {
      return { values, problem: `template parameter ${name} could not be read from ${ssmName}: ${(thrown as Error).message}` };
    }
  }
  return { values };
}

import type { Kysely } from 'kysely';
import { MeridianError } from '../domain/errors.js';
import type { MasterKey } from '../stores/secrets/crypto.js';
import { LocalParameterStore } from '../stores/parameters/local-parameter-store.js';
import type { ParameterStore } from '../stores/parameters/parameter-store.js';
import { SsmParameterStore } from '../stores/parameters/ssm-parameter-store.js';
import type { Database } from '../stores/state/schema.js';
import { parameterStoreFromEnv, ssmEndpointFromEnv } from './environment.js';

/** The parameter store `MERIDIAN_PARAMETER_STORE` names: the local one, or SSM in a region. */
export function chooseParameterStore(db: Kysely<Database>, key: () => MasterKey): ParameterStore {
  const chosen = parameterStoreFromEnv();
  if (chosen === undefined || chosen === 'local') return new LocalParameterStore(db, key());
  const match = /^ssm:\/\/([a-z0-9-]+)\/?$/.exec(chosen);
  if (!match?.[1]) {
    throw new MeridianError('BAD_INPUT', `MERIDIAN_PARAMETER_STORE=${chosen} is not a parameter store: write local, or ssm://REGION (e.g. ssm://eu-west-1)`);
  }
  const endpoint = ssmEndpointFromEnv();
  return new SsmParameterStore(endpoint === undefined ? { region: match[1] } : { region: match[1], endpoint });
}

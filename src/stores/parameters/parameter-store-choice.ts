import type { Kysely } from 'kysely';
import { MeridianError } from '../../domain/errors.js';
import type { MasterKey } from '../secrets/crypto.js';
import type { Database } from '../state/schema.js';
import { LocalParameterStore } from './local-parameter-store.js';
import type { ParameterStore } from './parameter-store.js';
import { SsmParameterStore } from './ssm-parameter-store.js';

/** Where parameters live: `MERIDIAN_PARAMETER_STORE` and `AWS_ENDPOINT_URL_SSM`, as the CLI read them. */
export interface ParameterStoreSetting {
  /** Unset or `local`: the encrypted store in the state database. `ssm://REGION`: AWS Systems Manager in that region. */
  store?: string | undefined;
  /** SSM's endpoint (a local one); unset: AWS. */
  ssmEndpoint?: string | undefined;
}

/** The local parameter store, or SSM in a region. The master key is only read for the local one. */
export function chooseParameterStore(db: Kysely<Database>, key: () => MasterKey, setting: ParameterStoreSetting): ParameterStore {
  const chosen = setting.store;
  if (chosen === undefined || chosen === 'local') return new LocalParameterStore(db, key());
  const match = /^ssm:\/\/([a-z0-9-]+)\/?$/.exec(chosen);
  if (!match?.[1]) {
    throw new MeridianError('BAD_INPUT', `MERIDIAN_PARAMETER_STORE=${chosen} is not a parameter store: write local, or ssm://REGION (e.g. ssm://eu-west-1)`);
  }
  const endpoint = setting.ssmEndpoint;
  return new SsmParameterStore(endpoint === undefined ? { region: match[1] } : { region: match[1], endpoint });
}

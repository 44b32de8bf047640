/**
 * The CLI's way into the composition root: a Meridian over a state dir, with the settings the
 * environment gives (MERIDIAN_DB, MERIDIAN_MASTER_KEY, MERIDIAN_PARAMETER_STORE, the AWS endpoints).
 */
import { makeMeridian, type Meridian, type MeridianOptions } from '../meridian.js';
import { dbUrlFromEnv, masterKeyFromEnv, parameterStoreFromEnv, s3EndpointFromEnv, ssmEndpointFromEnv } from './environment.js';

export type CommandOptions = Omit<MeridianOptions, 'stateDir' | 'dbUrl' | 'masterKey' | 'parameterStore' | 's3Endpoint'> & { db?: string | undefined };

export function openMeridian(stateDir: string, options: CommandOptions = {}): Promise<Meridian> {
  const { db, ...rest } = options;
  return makeMeridian({
    ...rest,
    stateDir,
    dbUrl: db ?? dbUrlFromEnv(),
    masterKey: masterKeyFromEnv(),
    parameterStore: { store: parameterStoreFromEnv(), ssmEndpoint: ssmEndpointFromEnv() },
    s3Endpoint: s3EndpointFromEnv(),
  });
}

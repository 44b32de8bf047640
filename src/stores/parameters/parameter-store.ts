/**
 * The seam for parameter stores (local now, AWS SSM later), with SSM Parameter Store's
 * semantics: hierarchical names, String / StringList / SecureString, a new version on every
 * put. It is also the ParameterReader providers get, whose `get` always decrypts.
 */
import type { ParameterReader, ParameterValue } from '../../domain/jobs/host-services.js';

export type ParameterType = ParameterValue['type'];
export const PARAMETER_TYPES: readonly ParameterType[] = ['String', 'StringList', 'SecureString'];

export interface PutParameterInput {
  name: string;
  value: string;
  /** Default `String`. An overwrite may change the type, as in SSM. */
  type?: ParameterType;
  /** Without it, putting an existing name is a CONFLICT. */
  overwrite?: boolean;
  /** Kept from the previous version when an overwrite gives none. */
  description?: string;
}

export interface Parameter extends ParameterValue {
  description?: string;
  /** ISO 8601 UTC with milliseconds. */
  lastModifiedDate: string;
}

export type ParameterSummary = Omit<Parameter, 'value'>;

export interface GetParameterOptions {
  /**
   * Default true (the ParameterReader contract). False returns a SecureString's sealed
   * `v1:…` text instead of its value, as SSM returns the encrypted blob; the CLI passes the
   * flag explicitly, so `params get` follows SSM's default.
   */
  withDecryption?: boolean;
  /** A specific version; the selector form `name:version` does the same. */
  version?: number;
}

export interface ListParametersOptions {
  /** Like GetParametersByPath: `/A/B` lists `/A/B/x`; without `path`, every parameter. */
  path?: string;
  /** With `path`: every level below it, not only the next one. */
  recursive?: boolean;
}

export interface ParameterStore extends ParameterReader {
  put(input: PutParameterInput): Promise<{ version: number }>;
  /** `selector` is `name` or `name:version`. NOT_FOUND when missing. */
  get(selector: string, options?: GetParameterOptions): Promise<Parameter>;
  /** Latest version of each parameter, sorted by name, without values. */
  list(options?: ListParametersOptions): Promise<ParameterSummary[]>;
  /** Every kept version, oldest first (SSM keeps the latest 100). */
  history(name: string, options?: Pick<GetParameterOptions, 'withDecryption'>): Promise<Parameter[]>;
  /** Deletes every version. NOT_FOUND when missing. */
  delete(name: string): Promise<void>;
}

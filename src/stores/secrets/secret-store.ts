/**
 * The seam for secret stores, with Secrets Manager's semantics: each put makes a version
 * (a UUID) labelled AWSCURRENT, and the version that held AWSCURRENT becomes AWSPREVIOUS.
 * A staging label is on at most one version of a secret. It is also the SecretReader
 * providers get (CodeBuild `secrets-manager` env, CodePipeline SECRETS_MANAGER variables).
 */
import type { SecretReader } from '../../domain/jobs/host-services.js';

export const CURRENT = 'AWSCURRENT';
export const PREVIOUS = 'AWSPREVIOUS';

export interface PutSecretInput {
  secretId: string;
  value: string;
  /** Label for the new version; default AWSCURRENT. Another label leaves AWSCURRENT where it is. */
  stage?: string;
}

export interface SecretVersion {
  secretId: string;
  versionId: string;
  stages: string[];
  /** The secret's text, or the value of the reference's json-key. */
  value: string;
  /** ISO 8601 UTC with milliseconds. */
  createdDate: string;
}

export interface SecretSummary {
  secretId: string;
  lastChangedDate: string;
  /** Labelled versions only, as ListSecrets' SecretVersionsToStages. */
  versionsToStages: Record<string, string[]>;
}

export interface SecretStore extends SecretReader {
  put(input: PutSecretInput): Promise<{ versionId: string; stages: string[] }>;
  /** `secret-id[:json-key[:version-stage[:version-id]]]`; the value only. */
  get(reference: string): Promise<string>;
  /** Same addressing, with the version's metadata. */
  describe(reference: string): Promise<SecretVersion>;
  list(): Promise<SecretSummary[]>;
  /** Deletes every version at once (no recovery window). NOT_FOUND when missing. */
  delete(secretId: string): Promise<void>;
}

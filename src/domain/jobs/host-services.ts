/**
 * What the host of a job lends the code that runs it: a log, the parameter and secret
 * readers, and a manual approval's answer. Providers see these through their ActionContext;
 * the stores implement the readers; both agents (in-process and remote) hand them on.
 */

/** Streams text into the action's log. The agent splits lines and masks secrets. */
export interface LogSink {
  write(text: string): void;
}

export interface ParameterValue {
  name: string;
  type: 'String' | 'StringList' | 'SecureString';
  value: string;
  version: number;
}

export interface ParameterReader {
  /** Decrypts SecureString values. Throws MeridianError NOT_FOUND when missing. */
  get(name: string): Promise<ParameterValue>;
}

export interface SecretReader {
  /** `secret-id[:json-key[:version-stage[:version-id]]]` as Secrets Manager addresses it. */
  get(reference: string): Promise<string>;
}

export interface ApprovalOutcome {
  status: 'Approved' | 'Rejected';
  comment?: string;
  by?: string;
}

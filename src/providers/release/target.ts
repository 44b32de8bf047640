/**
 * Where releases live: a folder on this machine or on a host reached over SSH. The layout
 * logic (layout.ts) speaks only this interface; paths are relative to the target's root.
 */
import type { Leftovers } from '../child-process.js';

export interface ReleaseEntry {
  name: string;
  mtimeMs: number;
}

export interface ExecOptions {
  /** Relative to the root. */
  cwd: string;
  env: Record<string, string>;
  signal: AbortSignal;
  onOutput: (text: string) => void;
  /**
   * What becomes of processes the command leaves running: `end` (a health check's) or
   * `keep-on-success` (a hook's: what it starts in the background and leaves running when it
   * exits 0 is the service, and outlives the action; docs/formats.md, "Services started by hooks").
   */
  leftovers: Leftovers;
}

export interface ReleaseTarget {
  /** The target as written in the configuration, for messages. */
  readonly description: string;
  /** The root folder on the target (absolute there). */
  readonly root: string;
  exists(path: string): Promise<boolean>;
  readText(path: string): Promise<string | undefined>;
  /** Creates parent folders. */
  writeText(path: string, text: string): Promise<void>;
  /** The link's target as stored, or undefined when `path` is not a symlink. */
  readLink(path: string): Promise<string | undefined>;
  /** Folders directly under `path` with their modification times. */
  listDirs(path: string): Promise<ReleaseEntry[]>;
  makeDir(path: string): Promise<void>;
  /** `rm -rf`: no error when missing. */
  remove(path: string): Promise<void>;
  rename(from: string, to: string): Promise<void>;
  /** Marks a release as the newest, for pruning. */
  touch(path: string): Promise<void>;
  /** Points symlink `path` at `target` atomically (a new link renamed over the old one). */
  pointLink(path: string, target: string): Promise<void>;
  /** Copies the content of local folder `source` into folder `path` on the target, replacing whatever was there. */
  upload(source: string, path: string, signal: AbortSignal): Promise<void>;
  /** Runs a shell command on the target; resolves with its exit code. */
  exec(command: string, options: ExecOptions): Promise<number | null>;
  /** Releases what the target holds for the action (an SSH connection); called once the action ends, however it ends. */
  close?(): Promise<void>;
}

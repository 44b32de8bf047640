/**
 * Values at rest (parameters of every type, secrets) are sealed with AES-256-GCM under one
 * 32-byte master key: `MERIDIAN_MASTER_KEY` when set (read by src/cli/environment.ts and
 * passed in), otherwise `<state-dir>/master.key`, created on first use with mode 0600.
 * Sealed format: `v1:<iv>:<tag>:<ciphertext>`, each part base64. The optional `context`
 * (e.g. `parameter:/A/B`) is bound as associated data: a value copied into another row does
 * not decrypt there.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { MeridianError } from '../../domain/errors.js';
import { makeStateDir } from '../state-dir.js';

export type MasterKey = Buffer;

const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_FILE = 'master.key';
const HOW_TO_MAKE = 'generate one with `openssl rand -base64 32`';

/** `MERIDIAN_MASTER_KEY` as 64 hex characters or base64 of 32 bytes. */
export function parseMasterKey(text: string, source: string): MasterKey {
  const trimmed = text.trim();
  const key = /^[0-9a-fA-F]{64}$/.test(trimmed)
    ? Buffer.from(trimmed, 'hex')
    : /^[A-Za-z0-9+/_-]+={0,2}$/.test(trimmed)
      ? Buffer.from(trimmed, 'base64')
      : undefined;
  if (key?.length !== KEY_BYTES) {
    throw new MeridianError('BAD_INPUT', `${source} must be 32 bytes written as base64 or 64 hex characters; ${HOW_TO_MAKE}`);
  }
  return key;
}

/**
 * The master key: `envValue` when given, else `<stateDir>/master.key`, created if missing.
 * Synchronous: it runs once when a command opens its state dir.
 */
/** Where the master key is kept when MERIDIAN_MASTER_KEY is not set. */
export function masterKeyFile(stateDir: string): string {
  return path.join(stateDir, KEY_FILE);
}

export function loadMasterKey(options: { stateDir: string; envValue?: string | undefined }): MasterKey {
  if (options.envValue !== undefined && options.envValue !== '') return parseMasterKey(options.envValue, 'MERIDIAN_MASTER_KEY');
  const file = path.join(options.stateDir, KEY_FILE);
  try {
    makeStateDir(options.stateDir);
    if (!fs.existsSync(file)) createKeyFile(file);
    checkPrivate(file);
    return parseMasterKey(fs.readFileSync(file, 'utf8'), file);
  } catch (cause) {
    if (cause instanceof MeridianError) throw cause;
    throw new MeridianError('STATE_DIR', `cannot read or create the master key ${file}: ${(cause as Error).message}`, { cause });
  }
}

/** Written aside and hard-linked into place, so two processes starting at once agree on one key. */
function createKeyFile(file: string): void {
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  fs.writeFileSync(tmp, `${randomBytes(KEY_BYTES).toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  try {
    fs.linkSync(tmp, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    fs.rmSync(tmp, { force: true });
  }
}

function checkPrivate(file: string): void {
  if (process.platform === 'win32') return;
  const mode = fs.statSync(file).mode & 0o777;
  if ((mode & 0o077) !== 0) {
    throw new MeridianError('STATE_DIR', `the master key ${file} can be read by other users (mode ${mode.toString(8)}); run \`chmod 600 ${file}\``);
  }
}

export function encrypt(key: MasterKey, plaintext: string, context?: string): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  if (context !== undefined) cipher.setAAD(Buffer.from(context, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return ['v1', iv.toString('base64'), cipher.getAuthTag().toString('base64'), ciphertext.toString('base64')].join(':');
}

export function decrypt(key: MasterKey, sealed: string, context?: string): string {
  const what = context ?? 'a stored value';
  const parts = sealed.split(':');
  if (parts.length !== 4 || parts[0] !== 'v1') {
    throw new MeridianError('STATE_DIR', `cannot decrypt ${what}: it is not in the v1 format this version of Meridian writes`);
  }
  const [, iv, tag, ciphertext] = parts as [string, string, string, string];
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64'), { authTagLength: TAG_BYTES });
    if (context !== undefined) decipher.setAAD(Buffer.from(context, 'utf8'));
    decipher.setAuthTag(Buffer.from(tag, 'base64'));
    return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64')), decipher.final()]).toString('utf8');
  } catch (cause) {
    throw new MeridianError(
      'STATE_DIR',
      `cannot decrypt ${what}: the master key is not the one it was encrypted with, or the value was altered. ` +
        'Set MERIDIAN_MASTER_KEY to the original key, or restore master.key in the state dir.',
      { cause },
    );
  }
}

import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { MeridianError } from '../../src/domain/errors.js';
import { decrypt, encrypt, loadMasterKey, parseMasterKey } from '../../src/stores/secrets/crypto.js';
import { tempDir } from '../helpers/temp.js';

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(MeridianError);
    return (error as MeridianError).code;
  }
  throw new Error('expected an error');
}

describe('encrypt / decrypt', () => {
  const key = randomBytes(32);

  it('round-trips text in the v1 format, with a fresh IV each time', () => {
    const sealed = encrypt(key, 'hunter2 ✓');
    expect(sealed).toMatch(/^v1:[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]*$/);
    expect(sealed).not.toContain('hunter2');
    expect(encrypt(key, 'hunter2 ✓')).not.toBe(sealed);
    expect(decrypt(key, sealed)).toBe('hunter2 ✓');
    expect(decrypt(key, encrypt(key, ''))).toBe('');
  });

  it('fails with another key, another context, or altered bytes', () => {
    const sealed = encrypt(key, 'secret', 'parameter /a');
    expect(decrypt(key, sealed, 'parameter /a')).toBe('secret');
    expect(codeOf(() => decrypt(randomBytes(32), sealed, 'parameter /a'))).toBe('STATE_DIR');
    expect(codeOf(() => decrypt(key, sealed, 'parameter /b'))).toBe('STATE_DIR');
    const parts = sealed.split(':');
    const body = Buffer.from(parts[3]!, 'base64');
    body[0] = (body[0] ?? 0) ^ 1;
    expect(codeOf(() => decrypt(key, [parts[0], parts[1], parts[2], body.toString('base64')].join(':'), 'parameter /a'))).toBe('STATE_DIR');
    expect(codeOf(() => decrypt(key, 'plain text'))).toBe('STATE_DIR');
  });
});

describe('master key', () => {
  it('accepts 32 bytes as hex or base64 and refuses anything else', () => {
    const bytes = randomBytes(32);
    expect(parseMasterKey(bytes.toString('hex'), 'env').equals(bytes)).toBe(true);
    expect(parseMasterKey(bytes.toString('base64'), 'env').equals(bytes)).toBe(true);
    expect(parseMasterKey(`${bytes.toString('base64')}\n`, 'env').equals(bytes)).toBe(true);
    expect(codeOf(() => parseMasterKey(randomBytes(16).toString('base64'), 'env'))).toBe('BAD_INPUT');
    expect(codeOf(() => parseMasterKey('not a key!', 'env'))).toBe('BAD_INPUT');
  });

  it('creates <stateDir>/master.key with mode 0600 once and reads it after', () => {
    const stateDir = path.join(tempDir(), 'state');
    const first = loadMasterKey({ stateDir });
    const file = path.join(stateDir, 'master.key');
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(loadMasterKey({ stateDir }).equals(first)).toBe(true);
    expect(first).toHaveLength(32);
  });

  it('prefers the value it is given over the file', () => {
    const stateDir = tempDir();
    const fromEnv = randomBytes(32);
    expect(loadMasterKey({ stateDir, envValue: fromEnv.toString('base64') }).equals(fromEnv)).toBe(true);
    expect(fs.existsSync(path.join(stateDir, 'master.key'))).toBe(false);
  });

  it('refuses a key file other users can read', () => {
    const stateDir = tempDir();
    loadMasterKey({ stateDir });
    fs.chmodSync(path.join(stateDir, 'master.key'), 0o644);
    expect(codeOf(() => loadMasterKey({ stateDir }))).toBe('STATE_DIR');
  });
});

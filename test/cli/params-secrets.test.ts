import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { masterKeyFor } from '../../src/cli/state-db.js';
import { ExportsStore } from '../../src/stores/exports/exports-store.js';
import { LocalParameterStore } from '../../src/stores/parameters/local-parameter-store.js';
import { openPostgres } from '../../src/stores/state/postgres/open-postgres.js';
import { runCli, type CliResult } from '../helpers/cli.js';
import { freshDatabase, hasPostgres } from '../helpers/postgres.js';
import { tempDir } from '../helpers/temp.js';

/** The master key comes from the state dir unless a test sets MERIDIAN_MASTER_KEY. */
const NO_KEY = { MERIDIAN_MASTER_KEY: '' };

async function meridian(stateDir: string, args: string[], env: Record<string, string> = NO_KEY): Promise<CliResult> {
  return runCli([...args, '--state-dir', stateDir], { env });
}

function json(result: CliResult): Record<string, unknown> {
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout) as Record<string, unknown>;
}

describe('meridian params', () => {
  it('puts, overwrites, gets, lists, shows history and deletes, printing what the AWS CLI prints', async () => {
    const stateDir = tempDir();
    const name = '/Environment/EU/SourceCodeStorage';
    expect(json(await meridian(stateDir, ['params', 'put', name, 'eu-bucket', '--description', 'EU artifact bucket']))).toEqual({
      Version: 1,
      Tier: 'Standard',
    });

    const again = await meridian(stateDir, ['params', 'put', name, 'other']);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain(`parameter ${name} already exists; pass --overwrite to replace it`);

    expect(json(await meridian(stateDir, ['params', 'put', name, 'eu-bucket-2', '--overwrite']))).toEqual({ Version: 2, Tier: 'Standard' });
    const got = json(await meridian(stateDir, ['params', 'get', name]));
    expect(got).toEqual({
      Parameter: {
        Name: name,
        Type: 'String',
        Value: 'eu-bucket-2',
        Version: 2,
        LastModifiedDate: expect.any(String) as string,
        Description: 'EU artifact bucket',
      },
    });
    expect((json(await meridian(stateDir, ['params', 'get', `${name}:1`])).Parameter as { Value: string }).Value).toBe('eu-bucket');

    await meridian(stateDir, ['params', 'put', '/Environment/US/SourceCodeStorage', 'us-bucket']);
    await meridian(stateDir, ['params', 'put', '/Environment/Regions', 'eu-west-1,us-east-1', '--type', 'StringList']);
    const listed = json(await meridian(stateDir, ['params', 'list', '--path', '/Environment', '--recursive'])) as { Parameters: { Name: string }[] };
    expect(listed.Parameters.map((p) => p.Name)).toEqual(['/Environment/EU/SourceCodeStorage', '/Environment/Regions', '/Environment/US/SourceCodeStorage']);
    expect(JSON.stringify(listed)).not.toContain('eu-bucket');
    const shallow = json(await meridian(stateDir, ['params', 'list', '--path', '/Environment'])) as { Parameters: { Name: string }[] };
    expect(shallow.Parameters.map((p) => p.Name)).toEqual(['/Environment/Regions']);

    const history = json(await meridian(stateDir, ['params', 'history', name])) as { Parameters: { Version: number; Value: string }[] };
    expect(history.Parameters.map((p) => [p.Version, p.Value])).toEqual([
      [1, 'eu-bucket'],
      [2, 'eu-bucket-2'],
    ]);

    const deleted = await meridian(stateDir, ['params', 'delete', name]);
    expect(deleted).toMatchObject({ code: 0, stdout: '', stderr: '' });
    const gone = await meridian(stateDir, ['params', 'get', name]);
    expect(gone.code).toBe(2);
    expect(gone.stderr).toContain(`parameter ${name} not found; create it with \`meridian params put ${name} VALUE\``);
  });

  it('keeps a SecureString encrypted unless --with-decryption, and out of the state files', async () => {
    const stateDir = tempDir();
    const secret = `pw-${randomBytes(6).toString('hex')}`;
    json(await meridian(stateDir, ['params', 'put', '/db/password', secret, '--type', 'SecureString']));
    const sealed = json(await meridian(stateDir, ['params', 'get', '/db/password'])) as { Parameter: { Type: string; Value: string } };
    expect(sealed.Parameter.Type).toBe('SecureString');
    expect(sealed.Parameter.Value).toMatch(/^v1:/);
    const open = json(await meridian(stateDir, ['params', 'get', '/db/password', '--with-decryption'])) as { Parameter: { Value: string } };
    expect(open.Parameter.Value).toBe(secret);
    expect(fs.statSync(path.join(stateDir, 'master.key')).mode & 0o777).toBe(0o600);
    for (const file of fs.readdirSync(stateDir)) {
      expect(fs.readFileSync(path.join(stateDir, file)).includes(Buffer.from(secret)), file).toBe(false);
    }
  });

  it('uses MERIDIAN_MASTER_KEY and says what to do when the key is wrong', async () => {
    const stateDir = tempDir();
    const keyA = { MERIDIAN_MASTER_KEY: randomBytes(32).toString('base64') };
    const keyB = { MERIDIAN_MASTER_KEY: randomBytes(32).toString('hex') };
    json(await meridian(stateDir, ['params', 'put', '/k', 'v', '--type', 'SecureString'], keyA));
    expect(fs.existsSync(path.join(stateDir, 'master.key'))).toBe(false);
    const wrong = await meridian(stateDir, ['params', 'get', '/k', '--with-decryption'], keyB);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain('MERIDIAN_MASTER_KEY');
    const bad = await meridian(stateDir, ['params', 'get', '/k'], { MERIDIAN_MASTER_KEY: 'too-short' });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('openssl rand -base64 32');
  });

  it('refuses bad input with exit code 2', async () => {
    const stateDir = tempDir();
    for (const args of [
      ['params', 'put', '/x', 'v', '--type', 'Number'],
      ['params', 'put', 'no/leading/slash', 'v'],
      ['params', 'put', '/list', 'a,,b', '--type', 'StringList'],
      ['params', 'list', '--path', 'relative'],
    ]) {
      const result = await meridian(stateDir, args);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr.length).toBeGreaterThan(0);
    }
  });

  it('defaults to .meridian in the current folder', async () => {
    const cwd = tempDir();
    const result = await runCli(['params', 'put', '/here', 'v'], { cwd, env: NO_KEY });
    expect(result.code).toBe(0);
    expect(fs.existsSync(path.join(cwd, '.meridian', 'state.db'))).toBe(true);
  });
});

describe('meridian secrets', () => {
  it('puts from a file, rotates, reads json keys and AWSPREVIOUS, lists and deletes', async () => {
    const stateDir = tempDir();
    const file = path.join(tempDir(), 'secret.json');
    fs.writeFileSync(file, JSON.stringify({ username: 'admin', password: 'first' }));
    const put = json(await meridian(stateDir, ['secrets', 'put', 'prod/db', '--value-file', file])) as {
      Name: string;
      VersionId: string;
      VersionStages: string[];
    };
    expect(put).toMatchObject({ Name: 'prod/db', VersionStages: ['AWSCURRENT'] });
    fs.writeFileSync(file, JSON.stringify({ username: 'admin', password: 'second' }));
    json(await meridian(stateDir, ['secrets', 'put', 'prod/db', '--value-file', file]));

    const current = json(await meridian(stateDir, ['secrets', 'get', 'prod/db:password'])) as { SecretString: string; VersionStages: string[] };
    expect(current).toMatchObject({ Name: 'prod/db', SecretString: 'second', VersionStages: ['AWSCURRENT'] });
    const previous = json(await meridian(stateDir, ['secrets', 'get', 'prod/db:password:AWSPREVIOUS']));
    expect(previous).toMatchObject({ SecretString: 'first', VersionId: put.VersionId, VersionStages: ['AWSPREVIOUS'] });
    expect(json(await meridian(stateDir, ['secrets', 'get', 'prod/db::AWSPREVIOUS']))).toMatchObject({
      SecretString: JSON.stringify({ username: 'admin', password: 'first' }),
    });

    json(await meridian(stateDir, ['secrets', 'put', 'api-token', 'inline-value']));
    const list = json(await meridian(stateDir, ['secrets', 'list'])) as { SecretList: { Name: string }[] };
    expect(list.SecretList.map((s) => s.Name)).toEqual(['api-token', 'prod/db']);
    expect(JSON.stringify(list)).not.toContain('second');

    expect(json(await meridian(stateDir, ['secrets', 'delete', 'api-token']))).toEqual({ Name: 'api-token' });
    const gone = await meridian(stateDir, ['secrets', 'get', 'api-token']);
    expect(gone.code).toBe(2);
    expect(gone.stderr).toContain('secret api-token not found');
  });

  it('needs exactly one of VALUE and --value-file', async () => {
    const stateDir = tempDir();
    const neither = await meridian(stateDir, ['secrets', 'put', 'x']);
    expect(neither.code).toBe(2);
    expect(neither.stderr).toContain('--value-file');
    const missingKey = await meridian(stateDir, ['secrets', 'put', 'y', 'not-json']);
    expect(missingKey.code).toBe(0);
    const notJson = await meridian(stateDir, ['secrets', 'get', 'y:key']);
    expect(notJson.code).toBe(2);
    expect(notJson.stderr).toContain('not a JSON object');
  });
});

describe('meridian exports', () => {
  it('sets and lists exports', async () => {
    const stateDir = tempDir();
    expect(json(await meridian(stateDir, ['exports', 'set', 'service-x-Bucket', 'bucket-1']))).toEqual({ Name: 'service-x-Bucket' });
    await meridian(stateDir, ['exports', 'set', 'service-x-Bucket', 'bucket-2']);
    await meridian(stateDir, ['exports', 'set', 'Alpha', 'a']);
    expect(json(await meridian(stateDir, ['exports', 'list']))).toEqual({
      Exports: [
        { Name: 'Alpha', Value: 'a' },
        { Name: 'service-x-Bucket', Value: 'bucket-2' },
      ],
    });
  });
});

describe('params, secrets and exports with MERIDIAN_DB', () => {
  it.skipIf(!hasPostgres)('write to the PostgreSQL database the server reads, not to a SQLite file in the state dir', async () => {
    const stateDir = tempDir();
    const env = { ...NO_KEY, MERIDIAN_DB: await freshDatabase('params') };
    expect(json(await meridian(stateDir, ['params', 'put', '/Shared/Bucket', 'shared-bucket'], env))).toEqual({ Version: 1, Tier: 'Standard' });
    await meridian(stateDir, ['exports', 'set', 'SharedExport', 'value-1'], env);
    expect(fs.existsSync(path.join(stateDir, 'state.db'))).toBe(false);

    const db = await openPostgres(env.MERIDIAN_DB);
    try {
      const meridianOnPostgres = new LocalParameterStore(db, masterKeyFor(stateDir));
      expect((await meridianOnPostgres.get('/Shared/Bucket')).value).toBe('shared-bucket');
      expect(await new ExportsStore(db).list()).toEqual([{ name: 'SharedExport', value: 'value-1' }]);
    } finally {
      await db.destroy();
    }
  });
});

/**
 * The parameter store in the state database. Every value is sealed with the master key,
 * whatever its type, so no plaintext reaches state.db or its WAL; the sealed text of a
 * SecureString doubles as the "encrypted blob" SSM returns without decryption.
 *
 * A put is one `insert … select max(version) + 1`, so concurrent writers never hold a
 * transaction open; where they can still collide on the primary key (PostgreSQL), the
 * loser retries.
 */
import { sql, type Kysely, type Selectable } from 'kysely';
import { MeridianError } from '../../domain/errors.js';
import { isoNow, systemClock, type Clock } from '../../lib/clock.js';
import type { Database, ParametersTable } from '../state/schema.js';
import { decrypt, encrypt, type MasterKey } from '../secrets/crypto.js';
import { parameterAlreadyExists, parameterNotFound, parameterVersionNotFound } from './parameter-errors.js';
import { checkDescription, checkName, checkPath, checkType, checkValue, parseSelector } from './parameter-name.js';
import { isUniqueViolation } from '../state/unique-violation.js';
import type { GetParameterOptions, ListParametersOptions, Parameter, ParameterStore, ParameterSummary, PutParameterInput } from './parameter-store.js';

/** SSM keeps the latest 100 versions of a parameter and drops older ones. */
const KEPT_VERSIONS = 100;
const PUT_ATTEMPTS = 10;

type Row = Selectable<ParametersTable>;

export class LocalParameterStore implements ParameterStore {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly key: MasterKey,
    private readonly clock: Clock = systemClock,
  ) {}

  async put(input: PutParameterInput): Promise<{ version: number }> {
    const { name, value } = input;
    checkName(name);
    const type = checkType(input.type ?? 'String');
    checkValue(name, type, value);
    if (input.description !== undefined) checkDescription(name, input.description);
    const sealed = encrypt(this.key, value, context(name));

    for (let attempt = 1; ; attempt += 1) {
      let version: number | undefined;
      try {
        version = await this.insertNext(name, type, sealed, input.description ?? null, input.overwrite !== true);
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
        if (!input.overwrite) throw parameterAlreadyExists(name);
        if (attempt >= PUT_ATTEMPTS) {
          throw new MeridianError('CONFLICT', `parameter ${name} is being written by others at the same time; try again`, { retryable: true });
        }
        continue;
      }
      if (version === undefined) throw parameterAlreadyExists(name);
      await this.db
        .deleteFrom('parameters')
        .where('name', '=', name)
        .where('version', '<=', version - KEPT_VERSIONS)
        .execute();
      return { version };
    }
  }

  /**
   * One statement computes the next version and inserts it, so SQLite (one writer at a
   * time) never collides; PostgreSQL can, and the caller retries. A missing description is
   * taken from the latest version, as SSM keeps it. With `onlyIfNew`, nothing is inserted
   * (undefined) when the name exists, checked in the same statement.
   */
  private async insertNext(name: string, type: string, sealed: string, description: string | null, onlyIfNew: boolean): Promise<number | undefined> {
    const result = await sql<{ version: number }>`
      insert into parameters (name, version, type, value, description, modified_at)
      select cast(${name} as text), coalesce(max(version), 0) + 1, cast(${type} as text), cast(${sealed} as text),
        coalesce(cast(${description} as text), (select p.description from parameters p where p.name = ${name} order by p.version desc limit 1)),
        cast(${isoNow(this.clock)} as text)
      from parameters where name = ${name}
      ${onlyIfNew ? sql`having count(*) = 0` : sql``}
      returning version`.execute(this.db);
    const row = result.rows[0];
    return row ? Number(row.version) : undefined;
  }

  async get(selector: string, options: GetParameterOptions = {}): Promise<Parameter> {
    const parsed = parseSelector(selector);
    if (parsed.version !== undefined && options.version !== undefined && parsed.version !== options.version) {
      throw new MeridianError('BAD_INPUT', `"${selector}" and version ${options.version} select different versions; give one`);
    }
    const version = parsed.version ?? options.version;
    const row =
      version === undefined
        ? await this.latestRow(parsed.name)
        : await this.db.selectFrom('parameters').selectAll().where('name', '=', parsed.name).where('version', '=', version).executeTakeFirst();
    if (!row) {
      if (version !== undefined && (await this.latestRow(parsed.name))) {
        throw parameterVersionNotFound(parsed.name, version);
      }
      throw parameterNotFound(parsed.name);
    }
    return this.toParameter(row, options.withDecryption ?? true);
  }

  async list(options: ListParametersOptions = {}): Promise<ParameterSummary[]> {
    if (options.path !== undefined) checkPath(options.path);
    const latest = this.db
      .selectFrom('parameters')
      .select('name')
      .select((eb) => eb.fn.max('version').as('version'))
      .groupBy('name')
      .as('latest');
    const rows = await this.db
      .selectFrom('parameters as p')
      .innerJoin(latest, (join) => join.onRef('latest.name', '=', 'p.name').onRef('latest.version', '=', 'p.version'))
      .select(['p.name', 'p.version', 'p.type', 'p.description', 'p.modified_at'])
      .orderBy('p.name')
      .execute();
    const prefix = options.path === undefined ? undefined : options.path.endsWith('/') ? options.path : `${options.path}/`;
    return rows
      .filter((row) => prefix === undefined || (row.name.startsWith(prefix) && (options.recursive === true || !row.name.slice(prefix.length).includes('/'))))
      .map((row) => summary(row));
  }

  async history(name: string, options: Pick<GetParameterOptions, 'withDecryption'> = {}): Promise<Parameter[]> {
    checkName(name);
    const rows = await this.db.selectFrom('parameters').selectAll().where('name', '=', name).orderBy('version').execute();
    if (rows.length === 0) throw parameterNotFound(name);
    return rows.map((row) => this.toParameter(row, options.withDecryption ?? true));
  }

  async delete(name: string): Promise<void> {
    checkName(name);
    const result = await this.db.deleteFrom('parameters').where('name', '=', name).executeTakeFirst();
    if (result.numDeletedRows === 0n) throw parameterNotFound(name);
  }

  private async latestRow(name: string): Promise<Row | undefined> {
    return this.db.selectFrom('parameters').selectAll().where('name', '=', name).orderBy('version', 'desc').limit(1).executeTakeFirst();
  }

  private toParameter(row: Row, withDecryption: boolean): Parameter {
    const type = checkType(row.type);
    const value = type === 'SecureString' && !withDecryption ? row.value : decrypt(this.key, row.value, context(row.name));
    return { ...summary(row), value };
  }
}

function summary(row: Pick<Row, 'name' | 'version' | 'type' | 'description' | 'modified_at'>): ParameterSummary {
  const out: ParameterSummary = { name: row.name, type: checkType(row.type), version: Number(row.version), lastModifiedDate: row.modified_at };
  if (row.description !== null) out.description = row.description;
  return out;
}

function context(name: string): string {
  return `parameter ${name}`;
}

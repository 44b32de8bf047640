/**
 * CloudFormation-style exports (name -> value) that a definition reads with `!ImportValue`.
 * Set from the CLI (`meridian exports set`) or by deploy actions; names are unique in a
 * state dir, as export names are unique in an account and region.
 */
import type { Kysely } from 'kysely';
import { MeridianError } from '../../domain/errors.js';
import type { Database } from '../state/schema.js';

export interface Export {
  name: string;
  value: string;
}

const MAX_NAME = 255;

export class ExportsStore {
  constructor(private readonly db: Kysely<Database>) {}

  /** Creates or replaces the export. */
  async set(name: string, value: string): Promise<void> {
    checkExportName(name);
    await this.db
      .insertInto('exports')
      .values({ name, value })
      .onConflict((oc) => oc.column('name').doUpdateSet({ value }))
      .execute();
  }

  async get(name: string): Promise<string> {
    const row = await this.db.selectFrom('exports').select('value').where('name', '=', name).executeTakeFirst();
    if (!row) throw new MeridianError('NOT_FOUND', `export ${name} not found; set it with \`meridian exports set ${name} VALUE\``, { details: { name } });
    return row.value;
  }

  async list(): Promise<Export[]> {
    return this.db.selectFrom('exports').select(['name', 'value']).orderBy('name').execute();
  }

  /** Every export, for resolving `!ImportValue` while a definition compiles. */
  async all(): Promise<Record<string, string>> {
    const out: Record<string, string> = {};
    for (const row of await this.list()) out[row.name] = row.value;
    return out;
  }

  async delete(name: string): Promise<void> {
    const result = await this.db.deleteFrom('exports').where('name', '=', name).executeTakeFirst();
    if (result.numDeletedRows === 0n) throw new MeridianError('NOT_FOUND', `export ${name} not found; list exports with \`meridian exports list\``);
  }
}

function checkExportName(name: string): void {
  if (name.length === 0 || name.length > MAX_NAME || /[\s\p{Cc}]/u.test(name)) {
    throw new MeridianError('BAD_INPUT', `export name "${name}" is not valid: use 1 to ${MAX_NAME} characters without spaces`);
  }
}

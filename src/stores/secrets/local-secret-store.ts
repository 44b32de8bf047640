/**
 * Secrets in the state database, sealed with the master key and bound to their secret id
 * and version id. Versions are kept when they lose every label (Secrets Manager calls them
 * deprecated), so a version id stays addressable.
 */
import { randomUUID } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import { MeridianError } from '../../domain/errors.js';
import { isoNow, systemClock, type Clock } from '../../lib/clock.js';
import type { Database, SecretsTable } from '../state/schema.js';
import { decrypt, encrypt, type MasterKey } from './crypto.js';
import { checkSecretId, checkStage, parseSecretReference, readJsonKey } from './secret-reference.js';
import { CURRENT, PREVIOUS, type PutSecretInput, type SecretStore, type SecretSummary, type SecretVersion } from './secret-store.js';

type Row = Selectable<SecretsTable>;

/** Secrets Manager's limit for SecretString. */
const MAX_VALUE_BYTES = 65_536;

export class LocalSecretStore implements SecretStore {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly key: MasterKey,
    private readonly clock: Clock = systemClock,
  ) {}

  async put(input: PutSecretInput): Promise<{ versionId: string; stages: string[] }> {
    const { secretId, value } = input;
    checkSecretId(secretId);
    const stage = input.stage ?? CURRENT;
    checkStage(stage);
    const bytes = Buffer.byteLength(value, 'utf8');
    if (bytes > MAX_VALUE_BYTES) {
      throw new MeridianError('BAD_INPUT', `secret ${secretId} is ${bytes} bytes; a secret holds at most ${MAX_VALUE_BYTES}`);
    }
    const versionId = randomUUID();
    const sealed = encrypt(this.key, value, context(secretId, versionId));
    return this.db.transaction().execute(async (trx) => {
      // The insert comes first so that SQLite takes its write lock (waiting on busy_timeout)
      // before this transaction reads anything it then rewrites.
      await trx
        .insertInto('secrets')
        .values({ secret_id: secretId, version_id: versionId, stages: '[]', value: sealed, created_at: isoNow(this.clock) })
        .execute();
      const others = (await trx.selectFrom('secrets').selectAll().where('secret_id', '=', secretId).execute()).filter((row) => row.version_id !== versionId);
      const labels = others.map((row) => ({ row, stages: stagesOf(row) }));
      const holdsCurrent = labels.some((l) => l.stages.includes(CURRENT));
      // The first version of a secret is always current, as CreateSecret makes it.
      const newStages = stage === CURRENT || !holdsCurrent ? [...new Set([stage, CURRENT])] : [stage];
      for (const label of labels) {
        let stages = label.stages.filter((s) => !newStages.includes(s));
        if (newStages.includes(CURRENT)) {
          stages = stages.filter((s) => s !== PREVIOUS);
          if (label.stages.includes(CURRENT)) stages.push(PREVIOUS);
        }
        if (stages.join('\n') !== label.stages.join('\n')) {
          await trx
            .updateTable('secrets')
            .set({ stages: JSON.stringify(stages) })
            .where('secret_id', '=', secretId)
            .where('version_id', '=', label.row.version_id)
            .execute();
        }
      }
      await trx
        .updateTable('secrets')
        .set({ stages: JSON.stringify(newStages) })
        .where('secret_id', '=', secretId)
        .where('version_id', '=', versionId)
        .execute();
      return { versionId, stages: newStages };
    });
  }

  async get(reference: string): Promise<string> {
    return (await this.describe(reference)).value;
  }

  async describe(reference: string): Promise<SecretVersion> {
    const ref = parseSecretReference(reference);
    const rows = await this.db.selectFrom('secrets').selectAll().where('secret_id', '=', ref.secretId).execute();
    if (rows.length === 0) throw notFound(ref.secretId);
    const stage = ref.stage ?? (ref.versionId === undefined ? CURRENT : undefined);
    let row: Row | undefined;
    if (ref.versionId !== undefined) {
      row = rows.find((r) => r.version_id === ref.versionId);
      if (!row)
        throw new MeridianError('NOT_FOUND', `secret ${ref.secretId} has no version ${ref.versionId}; list its versions with \`meridian secrets list\``);
      if (stage !== undefined && !stagesOf(row).includes(stage)) {
        throw new MeridianError(
          'NOT_FOUND',
          `version ${ref.versionId} of secret ${ref.secretId} is not labelled ${stage}; give the stage or the version id, not both`,
        );
      }
    } else {
      row = rows.find((r) => stagesOf(r).includes(stage ?? CURRENT));
      if (!row) throw new MeridianError('NOT_FOUND', `secret ${ref.secretId} has no version labelled ${stage ?? CURRENT}`);
    }
    const text = decrypt(this.key, row.value, context(row.secret_id, row.version_id));
    return {
      secretId: row.secret_id,
      versionId: row.version_id,
      stages: stagesOf(row),
      value: ref.jsonKey === undefined ? text : readJsonKey(ref.secretId, text, ref.jsonKey),
      createdDate: row.created_at,
    };
  }

  async list(): Promise<SecretSummary[]> {
    const rows = await this.db
      .selectFrom('secrets')
      .select(['secret_id', 'version_id', 'stages', 'created_at'])
      .orderBy('secret_id')
      .orderBy('created_at')
      .execute();
    const byId = new Map<string, SecretSummary>();
    for (const row of rows) {
      const entry = byId.get(row.secret_id) ?? { secretId: row.secret_id, lastChangedDate: row.created_at, versionsToStages: {} };
      if (row.created_at > entry.lastChangedDate) entry.lastChangedDate = row.created_at;
      const stages = stagesOf(row);
      if (stages.length > 0) entry.versionsToStages[row.version_id] = stages;
      byId.set(row.secret_id, entry);
    }
    return [...byId.values()];
  }

  async delete(secretId: string): Promise<void> {
    checkSecretId(secretId);
    const result = await this.db.deleteFrom('secrets').where('secret_id', '=', secretId).executeTakeFirst();
    if (result.numDeletedRows === 0n) throw notFound(secretId);
  }
}

function stagesOf(row: Pick<Row, 'stages'>): string[] {
  const parsed: unknown = JSON.parse(row.stages);
  return Array.isArray(parsed) ? parsed.filter((s): s is string => typeof s === 'string') : [];
}

function context(secretId: string, versionId: string): string {
  return `secret ${secretId} version ${versionId}`;
}

function notFound(secretId: string): MeridianError {
  return new MeridianError('NOT_FOUND', `secret ${secretId} not found; create it with \`meridian secrets put ${secretId} --value-file FILE\``, {
    details: { secretId },
  });
}

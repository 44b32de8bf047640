/** The output artifacts of executions: name, content digest, size, and the region that produced them. */
import type { ArtifactRecord } from '../../domain/records.js';
import type { Db } from './db.js';
import { toArtifact } from './row-mappers.js';

/** Records an artifact, in place of an earlier one of the same name in the same execution. */
export async function recordArtifact(db: Db, artifact: ArtifactRecord): Promise<void> {
  await db.deleteFrom('artifacts').where('execution_id', '=', artifact.executionId).where('name', '=', artifact.name).execute();
  await db
    .insertInto('artifacts')
    .values({
      execution_id: artifact.executionId,
      name: artifact.name,
      digest: artifact.digest,
      size: artifact.size,
      region: artifact.region,
      produced_by: artifact.producedBy,
    })
    .execute();
}

export async function artifacts(db: Db, executionId: string): Promise<ArtifactRecord[]> {
  const rows = await db.selectFrom('artifacts').selectAll().where('execution_id', '=', executionId).execute();
  return rows.map(toArtifact);
}

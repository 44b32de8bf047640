/**
 * Builds zips that yazl refuses to write (`../evil`, `/abs`): each entry is written under a
 * placeholder name of the same byte length, then the placeholder's bytes are replaced by the
 * real name in the local header and the central directory. Names are not covered by any
 * checksum, so the result is a well-formed zip.
 */
import fs from 'node:fs';
import yazl from 'yazl';

export interface CraftedEntry {
  name: string;
  content?: string;
  /** Unix mode including the file type, e.g. 0o120777 for a symlink (content = target). */
  mode?: number;
}

export async function craftZip(file: string, entries: CraftedEntry[]): Promise<void> {
  const zip = new yazl.ZipFile();
  const placeholders = entries.map((entry, index) => {
    const length = Buffer.byteLength(entry.name);
    const placeholder = `${String.fromCharCode(65 + index)}`.repeat(length);
    zip.addBuffer(Buffer.from(entry.content ?? ''), placeholder, { mode: entry.mode ?? 0o100644, compress: false });
    return placeholder;
  });
  const chunks: Buffer[] = [];
  zip.outputStream.on('data', (chunk: Buffer) => chunks.push(chunk));
  zip.end();
  await new Promise((resolve) => zip.outputStream.on('end', resolve));
  let bytes = Buffer.concat(chunks);
  entries.forEach((entry, index) => {
    const from = Buffer.from(placeholders[index]!);
    const to = Buffer.from(entry.name);
    let at = bytes.indexOf(from);
    while (at !== -1) {
      bytes = Buffer.concat([bytes.subarray(0, at), to, bytes.subarray(at + from.length)]);
      at = bytes.indexOf(from, at + to.length);
    }
  });
  await fs.promises.writeFile(file, bytes);
}

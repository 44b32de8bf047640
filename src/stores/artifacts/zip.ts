/**
 * Artifacts travel as zips, as in CodePipeline. `zipFolder` is deterministic, so the same
 * content always has the same digest: entries sorted by name, every timestamp 1980-01-02
 * (a day after the DOS epoch, with no UTC extra field, so the time zone does not leak in), modes
 * reduced to 644/755, one entry per empty folder. Symlinks that stay inside the folder are
 * kept as symlinks; ones that leave it are replaced by the file they point at.
 *
 * `unzipTo` writes nothing outside its folder: it refuses absolute names, `..`, symlinks
 * that point out, and entries that would be written through a symlink.
 */
import fs from 'node:fs/promises';
import { constants, createWriteStream } from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import yauzl from 'yauzl';
import yazl from 'yazl';
import { MeridianError } from '../../domain/errors.js';

const FILE = 0o100644;
const EXECUTABLE = 0o100755;
const SYMLINK = 0o120777;
const DIRECTORY = 0o040755;
const MAX_LINK_TARGET = 4096;

type ZipEntry =
  { kind: 'file'; name: string; source: string; executable: boolean } | { kind: 'symlink'; name: string; target: string } | { kind: 'dir'; name: string };

export async function zipFolder(folder: string, outFile: string): Promise<void> {
  const root = path.resolve(folder);
  let stat;
  try {
    stat = await fs.stat(root);
  } catch (cause) {
    throw new MeridianError('ARTIFACT', `cannot zip ${root}: ${(cause as Error).message}`, { cause });
  }
  if (!stat.isDirectory()) throw new MeridianError('ARTIFACT', `cannot zip ${root}: it is not a folder`);

  const entries: ZipEntry[] = [];
  await collect(root, '', entries);
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));

  const zip = new yazl.ZipFile();
  // DOS timestamps are local time: made per call so that its local fields are always
  // 1980-01-02 00:00, one day in so yazl's clamp to its own 1980-01-01 (computed when it
  // loaded, perhaps in another time zone) never moves it.
  const common = { mtime: new Date(1980, 0, 2), forceDosTimestamp: true };
  for (const entry of entries) {
    switch (entry.kind) {
      case 'file':
        zip.addFile(entry.source, entry.name, { ...common, mode: entry.executable ? EXECUTABLE : FILE });
        break;
      case 'symlink':
        zip.addBuffer(Buffer.from(entry.target), entry.name, { ...common, mode: SYMLINK, compress: false });
        break;
      case 'dir':
        zip.addEmptyDirectory(entry.name, { ...common, mode: DIRECTORY });
        break;
    }
  }
  // yazl reports a file that vanished or changed size on the ZipFile, not on its stream.
  zip.on('error', (error: Error) => (zip.outputStream as NodeJS.ReadableStream & { destroy(e: Error): void }).destroy(error));
  const written = pipeline(zip.outputStream, createWriteStream(outFile));
  zip.end();
  try {
    await written;
  } catch (cause) {
    await fs.rm(outFile, { force: true });
    throw new MeridianError('ARTIFACT', `cannot zip ${root} into ${outFile}: ${(cause as Error).message}`, { cause });
  }
}

async function collect(root: string, rel: string, out: ZipEntry[]): Promise<void> {
  const dir = path.join(root, rel);
  const children = await fs.readdir(dir, { withFileTypes: true });
  if (children.length === 0 && rel !== '') out.push({ kind: 'dir', name: `${rel}/` });
  for (const child of children) {
    const name = rel === '' ? child.name : `${rel}/${child.name}`;
    const abs = path.join(root, name);
    if (child.isDirectory()) {
      await collect(root, name, out);
    } else if (child.isFile()) {
      out.push({ kind: 'file', name, source: abs, executable: await isExecutable(abs) });
    } else if (child.isSymbolicLink()) {
      out.push(await symlinkEntry(root, name, abs));
    } else {
      throw new MeridianError('ARTIFACT', `cannot zip ${abs}: only files, folders and symlinks can go into an artifact`);
    }
  }
}

async function isExecutable(file: string): Promise<boolean> {
  return ((await fs.stat(file)).mode & 0o111) !== 0;
}

async function symlinkEntry(root: string, name: string, abs: string): Promise<ZipEntry> {
  const target = await fs.readlink(abs);
  const resolved = path.resolve(path.dirname(abs), target);
  const inside = path.relative(root, resolved);
  if (inside !== '..' && !inside.startsWith(`..${path.sep}`) && !path.isAbsolute(inside)) {
    // Stored relative and canonical, the only form unzipTo accepts.
    const relative = path.relative(path.dirname(abs), resolved).split(path.sep).join('/');
    return { kind: 'symlink', name, target: relative === '' ? '.' : relative };
  }
  let stat;
  try {
    stat = await fs.stat(abs);
  } catch (cause) {
    throw new MeridianError('ARTIFACT', `cannot zip ${abs}: it is a symlink to ${target}, outside ${root}, which does not exist`, { cause });
  }
  if (!stat.isFile()) {
    throw new MeridianError(
      'ARTIFACT',
      `cannot zip ${abs}: it is a symlink to the folder ${target}, outside ${root}; copy that folder in or make the link point inside`,
    );
  }
  return { kind: 'file', name, source: abs, executable: (stat.mode & 0o111) !== 0 };
}

export async function unzipTo(zipFile: string, folder: string): Promise<void> {
  await fs.mkdir(folder, { recursive: true });
  const root = await fs.realpath(folder);
  let zip: yauzl.ZipFile;
  try {
    // decodeStrings: false so that a bad name reaches our checks (and our message) instead
    // of failing inside yauzl.
    zip = await yauzl.openPromise(zipFile, { lazyEntries: true, decodeStrings: false, validateEntrySizes: true });
  } catch (cause) {
    throw new MeridianError('ARTIFACT', `cannot read the zip ${zipFile}: ${(cause as Error).message}`, { cause });
  }
  const unpacker = new Unpacker(zipFile, root);
  try {
    for await (const entry of zip.eachEntry()) await unpacker.unpack(zip, entry);
  } catch (cause) {
    if (cause instanceof MeridianError) throw cause;
    throw new MeridianError('ARTIFACT', `cannot unpack the zip ${zipFile} into ${root}: ${(cause as Error).message}`, { cause });
  } finally {
    zip.close();
  }
}

class Unpacker {
  /** Folders known to be real directories inside the root (never symlinks). */
  private readonly dirs = new Set<string>();

  constructor(
    private readonly zipFile: string,
    private readonly root: string,
  ) {
    this.dirs.add(root);
  }

  async unpack(zip: yauzl.ZipFile, entry: yauzl.Entry): Promise<void> {
    const name = yauzl.getFileNameLowLevel(entry.generalPurposeBitFlag, entry.fileNameRaw, entry.extraFields, false);
    const segments = this.safeSegments(name);
    if (segments.length === 0) return;
    if (entry.isEncrypted()) throw this.refuse(name, 'is encrypted');
    if (!entry.canDecodeFileData()) throw this.refuse(name, `uses compression method ${entry.compressionMethod}, which cannot be read`);

    const madeBy = entry.versionMadeBy >> 8;
    const mode = madeBy === 3 || madeBy === 19 ? (entry.externalFileAttributes >>> 16) & 0xffff : 0;
    if (name.endsWith('/') || (mode & 0o170000) === 0o040000) {
      await this.ensureDirs(name, segments);
      return;
    }
    await this.ensureDirs(name, segments.slice(0, -1));
    const dest = path.join(this.root, ...segments);
    await this.clear(name, dest);
    const stream = await zip.openReadStreamPromise(entry, {});
    if ((mode & 0o170000) === 0o120000) {
      const target = await readLinkTarget(stream, () => this.refuse(name, `is a symlink with a target longer than ${MAX_LINK_TARGET} bytes`));
      this.checkLinkTarget(name, segments, target);
      await fs.symlink(target, dest);
      return;
    }
    const permissions = (mode & 0o111) !== 0 ? 0o755 : 0o644;
    // O_EXCL: never follow something created at `dest` after clear().
    const flags = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL;
    const handle = await fs.open(dest, flags, permissions);
    await pipeline(stream, handle.createWriteStream());
    await fs.chmod(dest, permissions);
  }

  private safeSegments(name: string): string[] {
    if (name.includes('\0')) throw this.refuse(name, 'has a NUL character in its name');
    if (name.startsWith('/') || /^[a-zA-Z]:/.test(name)) throw this.refuse(name, `is an absolute path and would be written outside ${this.root}`);
    const segments = name.split('/').filter((s) => s !== '' && s !== '.');
    if (segments.includes('..')) throw this.refuse(name, `contains ".." and would be written outside ${this.root}`);
    return segments;
  }

  /**
   * A link target must be relative and canonical (`..` only at the start) and land inside
   * the root. Canonical matters: the OS resolves `a/../x` through whatever `a` links to.
   */
  private checkLinkTarget(name: string, segments: string[], target: string): void {
    const parts = target.split('/').filter((s) => s !== '' && s !== '.');
    const firstDown = parts.findIndex((s) => s !== '..');
    const canonical = firstDown === -1 || !parts.slice(firstDown).includes('..');
    const ups = firstDown === -1 ? parts.length : firstDown;
    const depth = segments.length - 1;
    if (target === '' || target.startsWith('/') || /^[a-zA-Z]:/.test(target) || target.includes('\0') || !canonical || ups > depth) {
      throw this.refuse(name, `is a symlink to "${target}", which points outside ${this.root}`);
    }
  }

  private async ensureDirs(name: string, segments: string[]): Promise<void> {
    let current = this.root;
    for (const segment of segments) {
      current = path.join(current, segment);
      if (this.dirs.has(current)) continue;
      let stat;
      try {
        stat = await fs.lstat(current);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
        await fs.mkdir(current);
        this.dirs.add(current);
        continue;
      }
      if (stat.isSymbolicLink()) throw this.refuse(name, `would be written through the symlink ${current}`);
      if (!stat.isDirectory()) throw this.refuse(name, `needs a folder where ${current} is a file`);
      this.dirs.add(current);
    }
  }

  /** Removes a file or symlink already at `dest` (a zip may repeat a name); never a folder. */
  private async clear(name: string, dest: string): Promise<void> {
    let stat;
    try {
      stat = await fs.lstat(dest);
    } catch {
      return;
    }
    if (stat.isDirectory()) throw this.refuse(name, `is a file where ${dest} is a folder`);
    await fs.rm(dest);
  }

  private refuse(name: string, why: string): MeridianError {
    return new MeridianError('ARTIFACT', `refusing to unpack ${this.zipFile}: entry "${name}" ${why}`, {
      details: { zip: this.zipFile, entry: name },
    });
  }
}

async function readLinkTarget(stream: NodeJS.ReadableStream, tooLong: () => Error): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > MAX_LINK_TARGET) throw tooLong();
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

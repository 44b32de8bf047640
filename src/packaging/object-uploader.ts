/**
 * Puts files into a store's `objects/` folder under the AWS CLI's keys
 * (awscli/customizations/cloudformation/s3uploader.py): `[<prefix>/]<md5 hex>[.<extension>]`,
 * the only extension being `template` for nested templates. A key that already exists is
 * not written again unless `force` (the CLI's HeadObject check and `--force-upload`):
 * same key, same bytes.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { MeridianError } from '../domain/errors.js';
import { objectPath, type StoredObject } from './object-location.js';

export interface UploaderOptions {
  storeRoot: string;
  bucket: string;
  prefix: string | undefined;
  force: boolean;
  /** One line per object, as the CLI prints them (we print to stderr so stdout stays the template). */
  log: (line: string) => void;
}

/** Where `meridian package` puts an object: a folder store (below) or an S3 bucket (s3-object-uploader.ts). */
export interface Uploader {
  upload(file: string, extension?: string): Promise<StoredObject>;
}

export class ObjectUploader implements Uploader {
  constructor(private readonly options: UploaderOptions) {}

  async upload(file: string, extension?: string): Promise<StoredObject> {
    const name = `${await md5File(file)}${extension ? `.${extension}` : ''}`;
    const { prefix, storeRoot, bucket, force, log } = this.options;
    const key = prefix ? `${prefix}/${name}` : name;
    const dest = objectPath(storeRoot, key);
    if (!force && (await isFile(dest))) {
      log(`File with same data already exists at ${key}. Skipping upload`);
      return { bucket, key };
    }
    const size = (await fs.stat(file)).size;
    log(`Uploading to ${key}  ${size} bytes`);
    // Written beside the store's other temp files and renamed in: a reader never sees half an object.
    const tmpDir = path.join(storeRoot, 'tmp');
    const tmp = path.join(tmpDir, `${process.pid}-${randomBytes(8).toString('hex')}.part`);
    try {
      await fs.mkdir(tmpDir, { recursive: true });
      await fs.mkdir(path.dirname(dest), { recursive: true });
      await fs.copyFile(file, tmp);
      await fs.rename(tmp, dest);
    } catch (cause) {
      throw new MeridianError('STATE_DIR', `cannot write ${key} into the store ${storeRoot}: ${(cause as Error).message}`, { cause });
    } finally {
      await fs.rm(tmp, { force: true });
    }
    return { bucket, key };
  }
}

export async function md5File(file: string): Promise<string> {
  const hash = createHash('md5');
  await pipeline(createReadStream(file), hash);
  return hash.digest('hex');
}

async function isFile(file: string): Promise<boolean> {
  try {
    return (await fs.stat(file)).isFile();
  } catch {
    return false;
  }
}

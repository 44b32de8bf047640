/**
 * `meridian package` into a region whose store is an S3 bucket: the AWS CLI's own behaviour
 * (awscli/customizations/cloudformation/s3uploader.py): key `[<prefix>/]<md5>[.<ext>]`, a
 * HeadObject first, and no upload when the key exists unless `force`.
 */
import { createReadStream } from 'node:fs';
import fs from 'node:fs/promises';
import type { S3Client } from '@aws-sdk/client-s3';
import { MeridianError } from '../domain/errors.js';
import { loadS3 } from '../lib/aws-sdk.js';
import { md5File, type Uploader } from './object-uploader.js';
import type { StoredObject } from './object-location.js';

export interface S3UploaderOptions {
  region: string;
  bucket: string;
  /** The store's own prefix (`s3://bucket/prefix`) joined with `--s3-prefix`. */
  prefix: string | undefined;
  force: boolean;
  endpoint?: string;
  log: (line: string) => void;
}

export class S3ObjectUploader implements Uploader {
  /** Made at the first request (the SDK is loaded then). */
  private client: Promise<S3Client> | undefined;

  constructor(private readonly options: S3UploaderOptions) {}

  private s3Client(): Promise<S3Client> {
    const { region, endpoint } = this.options;
    this.client ??= loadS3().then(({ S3Client }) => new S3Client({ region, ...(endpoint === undefined ? {} : { endpoint, forcePathStyle: true }) }));
    return this.client;
  }

  async upload(file: string, extension?: string): Promise<StoredObject> {
    const { bucket, prefix, force, log, region } = this.options;
    const name = `${await md5File(file)}${extension ? `.${extension}` : ''}`;
    const key = prefix ? `${prefix}/${name}` : name;
    try {
      if (!force && (await this.exists(key))) {
        log(`File with same data already exists at ${key}. Skipping upload`);
        return { bucket, key };
      }
      const size = (await fs.stat(file)).size;
      log(`Uploading to ${key}  ${size} bytes`);
      const { PutObjectCommand } = await loadS3();
      await (await this.s3Client()).send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: createReadStream(file), ContentLength: size }));
      return { bucket, key };
    } catch (cause) {
      if (cause instanceof MeridianError) throw cause;
      throw new MeridianError(
        'ARTIFACT',
        `cannot upload ${key} to s3://${bucket} in ${region}: ${(cause as Error).message}; check the bucket, its region and your credentials (AWS_ENDPOINT_URL_S3 for a local endpoint)`,
        { cause },
      );
    }
  }

  close(): void {
    void this.client?.then((client) => client.destroy()).catch(() => undefined);
  }

  private async exists(key: string): Promise<boolean> {
    const { HeadObjectCommand } = await loadS3();
    try {
      await (await this.s3Client()).send(new HeadObjectCommand({ Bucket: this.options.bucket, Key: key }));
      return true;
    } catch (error) {
      const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
      if (status === 404 || (error as Error).name === 'NotFound') return false;
      throw error;
    }
  }
}

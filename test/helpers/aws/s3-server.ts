/**
 * A real S3 protocol server (s3rver) on 127.0.0.1 with the buckets asked for, and a count of
 * the requests it served by method, so tests can see what an upload cost. It keeps its
 * objects in a temp folder of its own, removed on close (no vitest import: `npm run
 * local-aws` runs it outside tests too).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import S3rver from 's3rver';

/** s3rver checks signatures and knows only its built-in key pair. */
export const TEST_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

export interface S3Server {
  endpoint: string;
  /** The first bucket. */
  bucket: string;
  /** Requests served so far, by HTTP method. */
  requests: Map<string, number>;
  close(): Promise<void>;
}

export async function startS3Server(bucket = 'meridian-artifacts', ...moreBuckets: string[]): Promise<S3Server> {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'meridian-s3rver-'));
  const configureBuckets = [bucket, ...moreBuckets].map((name) => ({ name }));
  const server = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory, configureBuckets });
  const address = await server.run();
  const requests = new Map<string, number>();
  server.httpServer?.on('request', (request: { method?: string }) => {
    const method = request.method ?? '?';
    requests.set(method, (requests.get(method) ?? 0) + 1);
  });
  return {
    endpoint: `http://127.0.0.1:${address.port}`,
    bucket,
    requests,
    async close() {
      await server.close();
      fs.rmSync(directory, { recursive: true, force: true });
    },
  };
}

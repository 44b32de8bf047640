/**
 * A real S3 protocol server (s3rver) on 127.0.0.1 with one bucket, and a count of the
 * requests it served by method, so tests can see what an upload cost.
 */
import S3rver from 's3rver';
import { tempDir } from '../temp.js';

/** s3rver checks signatures and knows only its built-in key pair. */
export const TEST_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

export interface S3Server {
  endpoint: string;
  bucket: string;
  /** Requests served so far, by HTTP method. */
  requests: Map<string, number>;
  close(): Promise<void>;
}

export async function startS3Server(bucket = 'meridian-artifacts'): Promise<S3Server> {
  const server = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory: tempDir('meridian-s3rver-'), configureBuckets: [{ name: bucket }] });
  const address = await server.run();
  const requests = new Map<string, number>();
  server.httpServer?.on('request', (request: { method?: string }) => {
    const method = request.method ?? '?';
    requests.set(method, (requests.get(method) ?? 0) + 1);
  });
  return { endpoint: `http://127.0.0.1:${address.port}`, bucket, requests, close: () => server.close() };
}

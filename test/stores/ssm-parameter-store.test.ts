import { PutParameterCommand } from '@aws-sdk/client-ssm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MeridianError } from '../../src/domain/errors.js';
import { SsmParameterStore } from '../../src/stores/parameters/ssm-parameter-store.js';
import { describeParameterStore } from '../contract/parameter-store.contract.js';
import { startSsmEndpoint, type SsmEndpoint } from '../helpers/aws/ssm-endpoint.js';

const CREDENTIALS = { accessKeyId: 'test', secretAccessKey: 'test' };

/** One endpoint per store: every store starts empty, as the contract needs. */
const endpoints: SsmEndpoint[] = [];
afterAll(async () => {
  await Promise.all(endpoints.splice(0).map((e) => e.close()));
});

async function ssmStore(): Promise<{ store: SsmParameterStore; endpoint: SsmEndpoint }> {
  const endpoint = await startSsmEndpoint();
  endpoints.push(endpoint);
  return { store: new SsmParameterStore({ region: 'eu-west-1', endpoint: endpoint.endpoint, credentials: CREDENTIALS }), endpoint };
}

describeParameterStore('ssm (wire-protocol endpoint)', async () => (await ssmStore()).store);

describe('SsmParameterStore', () => {
  let shared: { store: SsmParameterStore; endpoint: SsmEndpoint };
  beforeAll(async () => {
    shared = await ssmStore();
  });

  it("returns SSM's ciphertext for a SecureString read without decryption", async () => {
    await shared.store.put({ name: '/enc/secret', value: 's3cret', type: 'SecureString' });
    expect((await shared.store.get('/enc/secret', { withDecryption: false })).value).toMatch(/^AQICAH[A-Za-z0-9+/=]+$/);
  });

  it('checks names before calling SSM', async () => {
    const before = shared.endpoint.calls.get('PutParameter') ?? 0;
    await expect(shared.store.put({ name: 'a/b', value: 'x' })).rejects.toMatchObject({ code: 'BAD_INPUT' });
    expect(shared.endpoint.calls.get('PutParameter') ?? 0).toBe(before);
  });

  it('turns an SSM validation error into BAD_INPUT naming the region', async () => {
    // Straight through the client: the store's own checks would refuse this name first.
    await expect((await shared.store.client()).send(new PutParameterCommand({ Name: 'a/b', Value: 'x', Type: 'String' }))).rejects.toMatchObject({
      name: 'ValidationException',
    });
    const error = await shared.store.get('/absent').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MeridianError);
    expect((error as MeridianError).code).toBe('NOT_FOUND');
  });

  it('reports an unreachable SSM as a retryable error naming the region', async () => {
    const { endpoint } = await ssmStore();
    await endpoint.close();
    endpoints.splice(endpoints.indexOf(endpoint), 1);
    const store = new SsmParameterStore({ region: 'ap-southeast-2', endpoint: endpoint.endpoint, credentials: CREDENTIALS });
    const error = (await store.list().catch((e: unknown) => e)) as MeridianError;
    expect(error).toBeInstanceOf(MeridianError);
    expect(error.message).toContain('ap-southeast-2');
    expect(error.retryable).toBe(true);
  });
});

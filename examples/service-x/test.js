import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { makeServer } from './server.js';

let server;
let base;

before(async () => {
  server = makeServer({ region: 'test-region', release: { release: 'r-test', version: 'abc123' } });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${server.address().port}`;
});

after(() => new Promise((resolve) => server.close(resolve)));

test('GET /health says ok and names the region and the release', async () => {
  const res = await fetch(`${base}/health`);
  assert.equal(res.status, 200);
  assert.deepEqual(await res.json(), { status: 'ok', region: 'test-region', release: 'r-test', version: 'abc123' });
});

test('GET /hello greets by name', async () => {
  const res = await fetch(`${base}/hello?name=Ada`);
  assert.equal(res.status, 200);
  assert.equal((await res.json()).message, 'Hello, Ada!');
});

test('GET /hello without a name greets the world', async () => {
  const res = await fetch(`${base}/hello`);
  assert.equal((await res.json()).message, 'Hello, world!');
});

test('an unknown path is 404', async () => {
  const res = await fetch(`${base}/nope`);
  assert.equal(res.status, 404);
  await res.body?.cancel();
});

// service-x: GET /health and GET /hello?name=. No dependencies, so the pipeline's build
// needs no `npm install`. /health names the region and the release that is running: the
// release.json that the build writes next to this file (absent when run from the source).
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { pathToFileURL } from 'node:url';

const REGION = process.env.SERVICE_REGION ?? process.env.AWS_REGION ?? 'local';

function readRelease() {
  try {
    const { release = 'unreleased', commit = 'unknown' } = JSON.parse(readFileSync(new URL('./release.json', import.meta.url), 'utf8'));
    return { release, version: commit };
  } catch {
    return { release: 'unreleased', version: 'unknown' };
  }
}

export function makeServer({ region = REGION, release = readRelease() } = {}) {
  return createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const send = (status, body) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (req.method !== 'GET') return send(405, { error: 'method not allowed' });
    if (url.pathname === '/health') return send(200, { status: 'ok', region, ...release });
    if (url.pathname === '/hello') {
      const name = (url.searchParams.get('name') ?? 'world').trim().slice(0, 100) || 'world';
      return send(200, { message: `Hello, ${name}!`, region });
    }
    return send(404, { error: `no route for ${url.pathname}` });
  });
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const port = Number(process.env.PORT ?? 8080);
  const server = makeServer();
  server.listen(port, process.env.HOST ?? '127.0.0.1', () => console.log(`service-x (${REGION}) listening on port ${server.address().port}`));
  process.on('SIGTERM', () => server.close(() => process.exit(0)));
}

/**
 * A TCP load balancer on 127.0.0.1, as operators put in front of several `meridian serve`
 * replicas: each connection goes to the next backend in turn, skipping one that refuses the
 * connection; when a backend dies its connections close, and the client's next connection
 * reaches a live one.
 */
import net from 'node:net';

export interface LoadBalancer {
  url: string;
  close(): Promise<void>;
}

export async function startLoadBalancer(backends: string[]): Promise<LoadBalancer> {
  const targets = backends.map((backend) => new URL(backend));
  const sockets = new Set<net.Socket>();
  let next = 0;
  const server = net.createServer((client) => {
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    client.pause();
    const attempt = (left: number): void => {
      if (left === 0) {
        client.destroy();
        return;
      }
      const target = targets[next++ % targets.length];
      if (!target) return;
      const upstream = net.connect(Number(target.port), target.hostname);
      sockets.add(upstream);
      upstream.on('close', () => sockets.delete(upstream));
      let connected = false;
      upstream.once('connect', () => {
        connected = true;
        upstream.on('error', () => client.destroy());
        client.on('error', () => upstream.destroy());
        upstream.on('close', () => client.destroy());
        client.on('close', () => upstream.destroy());
        client.pipe(upstream);
        upstream.pipe(client);
        client.resume();
      });
      upstream.once('error', () => {
        if (!connected) attempt(left - 1);
      });
    };
    attempt(targets.length);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

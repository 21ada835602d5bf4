import net from 'node:net';

export type ProxyMode = 'pass' | 'blackhole' | 'reset';

/**
 * A small TCP proxy for fault tests (docs/reliability-rules.md#the-fault-rig): put it in
 * front of Postgres or Redis and cut it, instead of stopping the machine's
 * shared services. `blackhole` accepts and never forwards; `reset` destroys
 * every connection, existing and new.
 */
export async function startTcpProxy(targetPort: number, targetHost = '127.0.0.1') {
  let mode: ProxyMode = 'pass';
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    client.on('error', () => client.destroy());
    if (mode === 'reset') return client.destroy();
    if (mode === 'blackhole') return;
    const upstream = net.connect(targetPort, targetHost);
    sockets.add(upstream);
    upstream.on('close', () => {
      sockets.delete(upstream);
      client.destroy();
    });
    upstream.on('error', () => client.destroy());
    client.on('close', () => upstream.destroy());
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    setMode(next: ProxyMode) {
      mode = next;
      // Cutting a dependency also cuts the connections already open to it.
      if (next !== 'pass') for (const s of sockets) s.destroy();
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A small reverse proxy, one real HTTP hop like nginx or a load balancer in
 * front of the web role: it appends the connecting client's address to
 * X-Forwarded-For (keeping whatever the client claimed before it) and, when
 * told to, sets X-Forwarded-Proto. Clients pick their own loopback address
 * (127.0.0.2, 127.0.0.3, …) with `proxyGet`, so each looks like another machine.
 */
export async function startHttpProxy(targetUrl: string) {
  const target = new URL(targetUrl);
  const options = { forwardedProto: 'https' as string | null };
  const server = http.createServer((req, res) => {
    const claimed = req.headers['x-forwarded-for'];
    const client = req.socket.remoteAddress ?? '';
    const headers: http.OutgoingHttpHeaders = {
      ...req.headers,
      host: target.host,
      'x-forwarded-for': claimed ? `${claimed}, ${client}` : client,
    };
    if (options.forwardedProto) headers['x-forwarded-proto'] = options.forwardedProto;
    else delete headers['x-forwarded-proto'];
    const upstream = http.request(
      { hostname: target.hostname, port: target.port, path: req.url, method: req.method, headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => res.writeHead(502).end());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    /** Whether (and what) X-Forwarded-Proto the proxy sends; null: none. */
    setForwardedProto(value: string | null) {
      options.forwardedProto = value;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export type ProxiedAnswer = { status: number; headers: http.IncomingHttpHeaders; body: string };

/** A GET through the proxy from a chosen loopback address (a separate "machine"). */
export function proxyGet(
  proxyUrl: string,
  path: string,
  from: string,
  headers: Record<string, string> = {},
): Promise<ProxiedAnswer> {
  const url = new URL(path, proxyUrl);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        hostname: url.hostname,
        port: url.port,
        path: url.pathname + url.search,
        localAddress: from,
        headers,
        agent: false,
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          body += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

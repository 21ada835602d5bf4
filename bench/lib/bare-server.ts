/**
 * The floor for the webhook benchmarks: a bare express app whose
 * `POST /webhooks/strava` only answers 200 `{"status":"ok"}` (the same body as
 * the real ack), with nothing else mounted. Run as its own process so it
 * never shares an event loop with the load generator:
 *   node --import tsx bench/lib/bare-server.ts <port>
 */
import './loopback.js';
import express from 'express';

const port = Number(process.argv[2] ?? 0);
const app = express();
app.disable('x-powered-by');
app.post('/webhooks/strava', (_req, res) => {
  res.status(200).json({ status: 'ok' });
});
app.get('/readyz', (_req, res) => {
  res.json({ status: 'ready' });
});
const server = app.listen(port, '127.0.0.1');
process.on('SIGTERM', () => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
});

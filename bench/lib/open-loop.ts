/**
 * An open-loop load generator: request i is due at t0 + i/rate whatever
 * happened to earlier ones (Strava's deliveries are independent), and its
 * latency is counted from that due time, so a slow server cannot slow the
 * generator down and hide its own queueing (no coordinated omission).
 * autocannon's `overallRate` is different: each connection sends back to back
 * until its per-second quota is spent, then waits for the next second, so the
 * load arrives as a burst at the start of every second (see bench/README.md).
 * The send lag (actual send − due time) is reported so the generator's own
 * delays on a shared 2-core machine are visible, not silently blamed on the target.
 */
import http from 'node:http';
import { performance } from 'node:perf_hooks';

export type OpenLoopOptions = {
  url: string;
  path: string;
  rate: number;
  durationS: number;
  body(n: number): string;
  headers?(n: number): Record<string, string>;
  /** First n passed to body()/headers(), so successive runs stay unique. */
  offset?: number;
  timeoutMs?: number;
};

export type OpenLoopResult = {
  sent: number;
  ok: number;
  non2xx: number;
  errors: number;
  /** Milliseconds from due time to the end of the response, one per answered request. */
  latencies: number[];
  /** Milliseconds the generator sent late, per request. */
  sendLags: number[];
  elapsedS: number;
};

export async function openLoop(options: OpenLoopOptions): Promise<OpenLoopResult> {
  const target = new URL(options.url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1_024 });
  const total = Math.round(options.rate * options.durationS);
  const interval = 1_000 / options.rate;
  const offset = options.offset ?? 0;
  const result: OpenLoopResult = {
    sent: 0,
    ok: 0,
    non2xx: 0,
    errors: 0,
    latencies: [],
    sendLags: [],
    elapsedS: 0,
  };
  let finished = 0;
  const start = performance.now();

  await new Promise<void>((resolve) => {
    const done = () => {
      finished++;
      if (finished === total) resolve();
    };
    const fire = (i: number) => {
      const due = start + i * interval;
      const n = offset + i;
      const payload = options.body(n);
      result.sendLags.push(performance.now() - due);
      const req = http.request(
        {
          host: target.hostname,
          port: target.port,
          path: options.path,
          method: 'POST',
          agent,
          timeout: options.timeoutMs ?? 10_000,
          headers: {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(payload),
            ...options.headers?.(n),
          },
        },
        (res) => {
          res.resume();
          res.on('end', () => {
            result.latencies.push(performance.now() - due);
            if (res.statusCode !== undefined && res.statusCode >= 200 && res.statusCode < 300) result.ok++;
            else result.non2xx++;
            done();
          });
        },
      );
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.on('error', () => {
        result.errors++;
        done();
      });
      req.end(payload);
      result.sent++;
    };
    let next = 0;
    const tick = () => {
      const now = performance.now();
      while (next < total && start + next * interval <= now) fire(next++);
      if (next < total)
        setTimeout(tick, Math.max(0, Math.min(1, start + next * interval - performance.now())));
    };
    tick();
  });
  result.elapsedS = (performance.now() - start) / 1_000;
  agent.destroy();
  return result;
}

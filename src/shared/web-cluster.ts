import cluster, { type Worker } from 'node:cluster';
import { AggregatorRegistry, type PrometheusContentType } from 'prom-client';
import type { Logger } from './logger.js';

/**
 * ROLE=web on several cores (docs/scaling.md): the primary forks
 * `webConcurrency` web processes that share the listening socket, restarts one
 * that dies, forwards SIGTERM/SIGINT and waits for every ordered shutdown. The
 * primary itself opens no database, Redis or HTTP connection: it only
 * supervises, and answers the children's requests for cluster-wide metrics.
 */

/** A restart loop must not spin: back off from 1 s to 30 s, reset once a process has lived a minute. */
const RESTART_MIN_MS = 1_000;
const RESTART_MAX_MS = 30_000;
const HEALTHY_AFTER_MS = 60_000;

export const METRICS_REQUEST = 'rampguard:cluster-metrics-request';
export const METRICS_REPLY = 'rampguard:cluster-metrics-reply';

type MetricsRequest = { type: typeof METRICS_REQUEST; id: number };
type MetricsReply = { type: typeof METRICS_REPLY; id: number; text?: string; contentType?: string };

export function isClusterChild(): boolean {
  return cluster.isWorker;
}

export function runWebCluster(options: { size: number; shutdownDeadlineMs: number; logger: Logger }): void {
  const { size, shutdownDeadlineMs, logger } = options;
  const aggregator = new AggregatorRegistry<PrometheusContentType>();
  const startedAt = new Map<number, number>();
  let restartDelayMs = RESTART_MIN_MS;
  let stopping = false;

  const fork = () => {
    const worker = cluster.fork();
    startedAt.set(worker.id, Date.now());
    worker.on('message', (message: unknown) => answerMetricsRequest(worker, message, aggregator, logger));
  };

  cluster.on('exit', (worker, code, signal) => {
    const lived = Date.now() - (startedAt.get(worker.id) ?? Date.now());
    startedAt.delete(worker.id);
    if (stopping) {
      if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(0);
      return;
    }
    restartDelayMs = lived > HEALTHY_AFTER_MS ? RESTART_MIN_MS : Math.min(restartDelayMs * 2, RESTART_MAX_MS);
    logger.error(
      { pid: worker.process.pid, code, signal, restartInMs: restartDelayMs },
      'web process exited unexpectedly; starting a new one',
    );
    setTimeout(fork, restartDelayMs).unref();
  });

  const stop = (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.warn({ signal }, 'second signal, stopping web processes now');
      for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGKILL');
      process.exit(1);
    }
    stopping = true;
    logger.info({ signal }, 'stopping web processes');
    const live = Object.values(cluster.workers ?? {});
    if (live.length === 0) process.exit(0);
    for (const worker of live) worker?.process.kill('SIGTERM');
    setTimeout(() => {
      logger.error({ deadlineMs: shutdownDeadlineMs }, 'web processes did not stop in time, exiting');
      process.exit(1);
    }, shutdownDeadlineMs).unref();
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);

  logger.info({ processes: size }, 'starting web processes (WEB_CONCURRENCY)');
  for (let i = 0; i < size; i++) fork();
}

function answerMetricsRequest(
  worker: Worker,
  message: unknown,
  aggregator: AggregatorRegistry<PrometheusContentType>,
  logger: Logger,
): void {
  const request = message as Partial<MetricsRequest> | null;
  if (request?.type !== METRICS_REQUEST || typeof request.id !== 'number') return;
  const id = request.id;
  aggregator.clusterMetrics().then(
    (text) => worker.send({ type: METRICS_REPLY, id, text, contentType: aggregator.contentType }),
    (err: Error) => {
      logger.warn({ err: { name: err.name, message: err.message } }, 'cluster metrics failed');
      worker.send({ type: METRICS_REPLY, id });
    },
  );
}

let nextRequestId = 0;

/**
 * In a cluster child: every web process's metrics summed by the primary
 * (counters and histograms add up; gauges that sample shared state say how
 * they aggregate). Rejects when the primary does not answer in time.
 */
export function requestClusterMetrics(timeoutMs = 3_000): Promise<{ text: string; contentType: string }> {
  return new Promise((resolve, reject) => {
    const id = ++nextRequestId;
    const onMessage = (message: unknown) => {
      const reply = message as Partial<MetricsReply> | null;
      if (reply?.type !== METRICS_REPLY || reply.id !== id) return;
      done();
      if (reply.text === undefined || reply.contentType === undefined)
        reject(new Error('cluster metrics unavailable'));
      else resolve({ text: reply.text, contentType: reply.contentType });
    };
    const timer = setTimeout(() => {
      done();
      reject(new Error('cluster metrics timed out'));
    }, timeoutMs);
    const done = () => {
      clearTimeout(timer);
      process.off('message', onMessage);
    };
    process.on('message', onMessage);
    process.send?.({ type: METRICS_REQUEST, id } satisfies MetricsRequest);
  });
}

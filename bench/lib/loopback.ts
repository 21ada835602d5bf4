/**
 * For in-process benchmarks: every server binds to 127.0.0.1 only.
 * `startRampGuard` listens on HOST (0.0.0.0 by default, right for a
 * container), but a benchmark must never expose anything beyond loopback.
 * Imported first by the in-process benches and the bare server; spawned
 * RampGuard processes get HOST=127.0.0.1 instead (bench/lib/stack.ts).
 */
import net from 'node:net';

const WILDCARD = new Set(['0.0.0.0', '::', '', undefined]);
const original = net.Server.prototype.listen;

type ListenArgs = Parameters<typeof original>;

function toLoopback(args: unknown[]): unknown[] {
  const [first, second] = args;
  // listen(options[, cb])
  if (first && typeof first === 'object' && !Array.isArray(first)) {
    const options = first as net.ListenOptions;
    if (options.path !== undefined || !WILDCARD.has(options.host)) return args;
    return [{ ...options, host: '127.0.0.1' }, ...args.slice(1)];
  }
  // listen(port[, host][, backlog][, cb]) — only numeric or numeric-string ports, never a pipe path.
  const isPort = typeof first === 'number' || (typeof first === 'string' && /^\d+$/.test(first));
  if (!isPort && first !== undefined) return args;
  if (typeof second === 'string' && !WILDCARD.has(second)) return args;
  const rest = typeof second === 'string' ? args.slice(2) : args.slice(1);
  return [first ?? 0, '127.0.0.1', ...rest];
}

net.Server.prototype.listen = function listenOnLoopback(this: net.Server, ...args: unknown[]) {
  return original.apply(this, toLoopback(args) as ListenArgs);
} as typeof original;

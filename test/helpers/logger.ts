import { Writable } from 'node:stream';
import { createLogger } from '../../src/shared/logger.js';

export const silentLogger = createLogger({ level: 'silent' });

/** A logger whose JSON lines are kept in memory, to assert on what was (not) logged. */
export function createCapturingLogger(level = 'trace') {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _enc, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { logger: createLogger({ level, destination }), lines, text: () => lines.join('') };
}

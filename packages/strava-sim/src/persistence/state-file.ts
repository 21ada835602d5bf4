import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import type { SimClock } from '../clock.js';
import type { SimState } from '../state.js';
import { parseSnapshot, type Snapshot, takeSnapshot } from './snapshot.js';

/** Changes are written at most this often (a burst of API calls is one write). */
const SAVE_DELAY_MS = 200;

export type StateFile = {
  /** The snapshot found at start, or null (no file, or one that could not be read). */
  loaded: Snapshot | null;
  /** Writes soon (debounced). */
  scheduleSave(): void;
  /** Writes now if a save is pending (on close). */
  flush(): void;
};

/**
 * The simulator's state as one JSON file (docs/sandbox.md#what-survives-a-restart),
 * replaced atomically (temp file, then rename) so a crash mid-write leaves the
 * previous state. An unreadable file is moved aside, not deleted, and the
 * simulator starts fresh.
 */
export function openStateFile(file: string, state: SimState, clock: SimClock, logger: Logger): StateFile {
  mkdirSync(path.dirname(file), { recursive: true });
  let timer: NodeJS.Timeout | undefined;

  const loaded = (() => {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      return null;
    }
    try {
      return parseSnapshot(text);
    } catch (err) {
      const aside = `${file}.unreadable-${Date.now()}`;
      renameSync(file, aside);
      logger.warn(
        { err: { message: (err as Error).message }, movedTo: aside },
        'sandbox state unreadable; starting fresh',
      );
      return null;
    }
  })();

  const save = () => {
    timer = undefined;
    const temp = `${file}.${process.pid}.tmp`;
    try {
      writeFileSync(temp, JSON.stringify(takeSnapshot(state, clock, new Date())), { mode: 0o600 });
      renameSync(temp, file);
    } catch (err) {
      logger.warn({ err: { message: (err as Error).message } }, 'could not save the sandbox state');
    }
  };

  return {
    loaded,
    scheduleSave() {
      timer ??= setTimeout(save, SAVE_DELAY_MS);
    },
    flush() {
      if (!timer) return;
      clearTimeout(timer);
      save();
    },
  };
}

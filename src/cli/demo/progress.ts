/**
 * A step list on a stream (stderr in the CLI): each step shows a spinner while
 * it runs, then a tick (or a cross) with what it found. On a terminal the
 * spinner animates in place; anywhere else (a pipe, a test) each step prints
 * one line when it starts and one when it ends. No dependencies.
 */
export type ProgressStream = NodeJS.WritableStream & { isTTY?: boolean };

export type StepContext = {
  /** Replaces the running step's detail text (e.g. "3 of 6 events delivered"). */
  update(detail: string): void;
};

export type Progress = {
  /** Runs one step; its return value (lines of detail) is printed under the tick. */
  step<T>(title: string, run: (ctx: StepContext) => Promise<{ value: T; lines: string[] }>): Promise<T>;
  /** A free line (headings, the summary). */
  line(text?: string): void;
};

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

export function createProgress(stream: ProgressStream): Progress {
  const tty = stream.isTTY === true;
  const write = (text: string) => stream.write(text);
  return {
    line(text = '') {
      write(`${text}\n`);
    },
    async step(title, run) {
      const started = Date.now();
      let detail = '';
      let frame = 0;
      const render = () => {
        const text = `${FRAMES[frame % FRAMES.length]} ${title}${detail ? ` — ${detail}` : ''}`;
        write(`\r\x1b[2K${text}`);
      };
      let timer: NodeJS.Timeout | undefined;
      if (tty) {
        render();
        timer = setInterval(() => {
          frame++;
          render();
        }, 80);
      } else {
        write(`… ${title}\n`);
      }
      const clear = () => {
        if (timer) clearInterval(timer);
        if (tty) write('\r\x1b[2K');
      };
      try {
        const { value, lines } = await run({
          update(next) {
            detail = next;
          },
        });
        clear();
        const seconds = ((Date.now() - started) / 1_000).toFixed(1);
        write(`✔ ${title} (${seconds} s)\n`);
        for (const l of lines) write(`    ${l}\n`);
        return value;
      } catch (err) {
        clear();
        write(`✘ ${title}: ${err instanceof Error ? err.message : String(err)}\n`);
        throw err;
      }
    },
  };
}

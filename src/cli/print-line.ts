/** A command's output for the operator: one line on stdout (logs go to stderr through pino). */
export function printLine(text: string): void {
  process.stdout.write(`${text}\n`);
}

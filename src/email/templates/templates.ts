import { Eta } from 'eta';

/**
 * One Eta instance for all email HTML. `autoEscape` makes `<%= %>` HTML-escape (& < > " '); raw
 * `<%~ %>` is used only for fragments our own escaped templates produced.
 */
const eta = new Eta({ autoEscape: true, useWith: false, cache: false });

/** Compiles once at module load; the returned function renders with typed data. */
export function compileHtml<T extends object>(source: string): (data: T) => string {
  const template = eta.compile(source);
  return (data) => eta.render(template, data);
}

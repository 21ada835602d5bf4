/**
 * Prints the figures ARCHITECTURE.md and the issue notes quote about the house: where queries
 * live, imports between layers, and the largest files and functions (`npx tsx scripts/house-figures.ts`).
 * Circular imports are counted by dependency-cruiser (`npm run lint:deps`).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

const ROOT = path.resolve(import.meta.dirname, '..');
const SRC = path.join(ROOT, 'src');

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return tsFiles(full);
    return name.endsWith('.ts') ? [full] : [];
  });
}

const files = tsFiles(SRC).map((file) => ({
  rel: path.relative(ROOT, file),
  text: readFileSync(file, 'utf8'),
}));
const importsOf = (text: string) => [...text.matchAll(/from '([^']+)'/g)].map((m) => m[1]!);
const layerOf = (rel: string) => rel.split('/')[1] ?? '';
const resolvesTo = (rel: string, spec: string) => path.normalize(path.join(path.dirname(rel), spec));

/** Calls that run SQL through drizzle: select/insert/update/delete builders and raw execute. */
const QUERY_CALL = /\.(select|selectDistinct|insert|update|delete|execute)\(|\bselectRows\(/g;

const outsideDb = files.filter((f) => !f.rel.startsWith('src/db/'));
const schemaImporters = outsideDb.filter((f) => importsOf(f.text).some((s) => s.includes('db/schema')));
/** Only modules that build queries can run them (this leaves out a hash's `.update(`, a Map's `.delete(`). */
const touchesDb = (text: string) =>
  importsOf(text).some((s) => s === 'drizzle-orm' || s.includes('db/schema'));
const queryCalls = outsideDb.map((f) => ({
  rel: f.rel,
  n: touchesDb(f.text) ? (f.text.match(QUERY_CALL)?.length ?? 0) : 0,
}));
const edges = (from: string, to: string) =>
  files
    .filter((f) => layerOf(f.rel) === from)
    .flatMap((f) =>
      importsOf(f.text).filter((s) => s.startsWith('.') && layerOf(resolvesTo(f.rel, s)) === to),
    );

console.log(`files outside src/db importing db/schema: ${schemaImporters.length}`);
console.log(
  `query calls outside src/db: ${queryCalls.reduce((n, q) => n + q.n, 0)} in ${queryCalls.filter((q) => q.n > 0).length} files (db layer: ${files.filter((f) => f.rel.startsWith('src/db/')).reduce((n, f) => n + (f.text.match(QUERY_CALL)?.length ?? 0), 0)})`,
);
for (const [from, to] of [
  ['app', 'jobs'],
  ['jobs', 'app'],
  ['http', 'db'],
  ['integrations', 'app'],
] as const) {
  console.log(`imports ${from} → ${to}: ${edges(from, to).length}`);
}

const largestFiles = files
  .map((f) => ({ rel: f.rel, lines: f.text.split('\n').length }))
  .sort((a, b) => b.lines - a.lines)
  .slice(0, 8);
console.log('\nlargest files (lines):');
for (const f of largestFiles) console.log(`  ${f.lines}\t${f.rel}`);

type Fn = { name: string; rel: string; lines: number };
const functions: Fn[] = [];
for (const f of files) {
  const source = ts.createSourceFile(f.rel, f.text, ts.ScriptTarget.Latest, true);
  const visit = (node: ts.Node) => {
    const named =
      (ts.isFunctionDeclaration(node) && node.name?.text) ||
      (ts.isMethodDeclaration(node) && node.name.getText(source)) ||
      ((ts.isArrowFunction(node) || ts.isFunctionExpression(node)) &&
        ts.isVariableDeclaration(node.parent) &&
        node.parent.name.getText(source));
    if (named) {
      const start = source.getLineAndCharacterOfPosition(node.getStart(source)).line;
      const end = source.getLineAndCharacterOfPosition(node.getEnd()).line;
      functions.push({ name: named, rel: f.rel, lines: end - start + 1 });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
}
console.log('\nlargest functions (lines):');
for (const fn of functions.sort((a, b) => b.lines - a.lines).slice(0, 10)) {
  console.log(`  ${fn.lines}\t${fn.name}\t${fn.rel}`);
}

import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * Every `docs/<file>.md#<anchor>` the code, tests, benches and READMEs cite
 * resolves: the file exists and has a heading with that anchor (GitHub's rule:
 * lowercase, punctuation dropped, spaces to hyphens). The repo explains itself
 * (docs/README.md); a renamed heading must take its references along.
 */
const ROOTS = ['src', 'test', 'bench', 'packages', 'docs', 'README.md', 'ARCHITECTURE.md', '.env.example'];
const SKIP = new Set(['node_modules', 'dist', 'artifacts']);
const REFERENCE = /(?<![\w/.-])(docs\/[\w./-]+\.md)(#[\w-]+)?/g;

function filesUnder(entry: string): string[] {
  let stat: ReturnType<typeof statSync>;
  try {
    stat = statSync(entry);
  } catch {
    return [];
  }
  if (stat.isFile()) return [entry];
  return readdirSync(entry)
    .filter((name) => !SKIP.has(name))
    .flatMap((name) => filesUnder(path.join(entry, name)));
}

function anchorOf(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

function anchorsOf(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  let inFence = false;
  for (const line of markdown.split('\n')) {
    if (line.startsWith('```')) inFence = !inFence;
    const heading = !inFence && /^#{1,6}\s+(.*)$/.exec(line);
    if (!heading) continue;
    const base = anchorOf(heading[1] as string);
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    anchors.add(n === 0 ? base : `${base}-${n}`);
  }
  return anchors;
}

describe('references into docs/', () => {
  const files = ROOTS.flatMap(filesUnder).filter(
    (f) => /\.(ts|md|example|json|yml|sh)$/.test(f) || f.endsWith('run'),
  );
  const references: { from: string; file: string; anchor: string | undefined }[] = [];
  for (const from of files) {
    for (const match of readFileSync(from, 'utf8').matchAll(REFERENCE)) {
      references.push({ from, file: match[1] as string, anchor: match[2]?.slice(1) });
    }
  }

  it('finds the references it checks', () => {
    expect(references.length).toBeGreaterThan(100);
  });

  it('every cited file and heading exists', () => {
    const anchorsByFile = new Map<string, Set<string> | null>();
    const broken: string[] = [];
    for (const ref of references) {
      if (!anchorsByFile.has(ref.file)) {
        let text: string | null = null;
        try {
          text = readFileSync(ref.file, 'utf8');
        } catch {}
        anchorsByFile.set(ref.file, text === null ? null : anchorsOf(text));
      }
      const anchors = anchorsByFile.get(ref.file);
      if (anchors === null) broken.push(`${ref.from}: ${ref.file} does not exist`);
      else if (ref.anchor && !anchors?.has(ref.anchor))
        broken.push(`${ref.from}: ${ref.file}#${ref.anchor} has no such heading`);
    }
    expect([...new Set(broken)]).toEqual([]);
  });

  it('turns headings into anchors as GitHub does', () => {
    expect(anchorOf('Seen is not done')).toBe('seen-is-not-done');
    expect(anchorOf('Job ids: dedupe only while the job exists')).toBe(
      'job-ids-dedupe-only-while-the-job-exists',
    );
    expect(anchorOf('`weekly_ramp`')).toBe('weekly_ramp');
  });
});

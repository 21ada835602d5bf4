import { readFileSync } from 'node:fs';

/**
 * The NODE_OPTIONS the production image sets (its `ENV … NODE_OPTIONS="…"`),
 * so tests and benchmarks run the compiled build as the image does.
 */
export function imageNodeOptions(dockerfile = readFileSync('Dockerfile', 'utf8')): string {
  const match = dockerfile.match(/NODE_OPTIONS="([^"]*)"/);
  if (!match?.[1]) throw new Error('the Dockerfile sets no NODE_OPTIONS');
  return match[1];
}

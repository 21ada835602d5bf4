import { describe, expect, it } from 'vitest';
import { createDependencyHealth } from '../../src/shared/dependency-health.js';
import { createCapturingLogger } from '../helpers/logger.js';

const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6379'), { code: 'ECONNREFUSED' });

describe('the outage report (docs/degradation.md)', () => {
  function setup(role: 'web' | 'worker' | 'all' = 'all') {
    let now = 0;
    const log = createCapturingLogger('trace');
    const health = createDependencyHealth({ logger: log.logger, role, now: () => now });
    const lines = () => log.lines.map((l) => JSON.parse(l) as { level: number; msg: string });
    return { health, lines, advance: (ms: number) => (now += ms) };
  }

  it('When Redis fails a thousand times in a minute, then the log says so once, with what happens meanwhile', () => {
    const { health, lines, advance } = setup();
    for (let i = 0; i < 1_000; i++) {
      health.down('redis', refused);
      advance(50);
    }
    expect(lines()).toHaveLength(1);
    expect(lines()[0]).toMatchObject({ level: 40 });
    expect(lines()[0]?.msg).toBe(
      'Redis is unreachable (ECONNREFUSED). Meanwhile webhooks are still acknowledged into the Postgres inbox and pages work; nothing is queued until Redis is back; no job runs; workers attach by themselves when Redis is back and the sweepers then enqueue everything recorded meanwhile. Retrying; next report in a minute if it lasts.',
    );
    health.stop();
  });

  it('When the outage lasts, then one line a minute; when it ends, one line', () => {
    const { health, lines, advance } = setup('web');
    health.down('database', refused);
    for (let second = 0; second < 180; second++) {
      advance(1_000);
      health.down('database', refused);
    }
    expect(lines().map((l) => l.msg)).toEqual([
      expect.stringMatching(/^Postgres is unreachable \(ECONNREFUSED\)\. Meanwhile webhooks answer 503/),
      'Postgres still unreachable (ECONNREFUSED)',
      'Postgres still unreachable (ECONNREFUSED)',
      'Postgres still unreachable (ECONNREFUSED)',
    ]);
    const recovered: string[] = [];
    health.onRecovery('database', () => recovered.push('database'));
    health.up('database');
    health.up('database');
    expect(lines().at(-1)?.msg).toBe('Postgres is reachable again');
    expect(lines()).toHaveLength(5);
    expect(recovered).toEqual(['database']);
    expect(health.describe()).toEqual({ missing: ['redis'], meanwhile: [expect.stringMatching(/^Redis: /)] });
    health.stop();
  });
});

import { describe, expect, it } from 'vitest';
import { ANALYSIS_COALESCE_MS } from '../../src/db/repositories/analysis-due.js';
import { analyzeRunnerJobOptions } from '../../src/jobs/analysis-request.js';

const runnerId = '7f9c2b1e-4d3a-4c5b-8e6f-0a1b2c3d4e5f';

describe('analyzeRunnerJobOptions', () => {
  it('starts at once when nothing is running or due, pulling a waiting follow-up forward', () => {
    const options = analyzeRunnerJobOptions({ runnerId }, { timing: { immediate: true } });
    expect(options.delay).toBe(0);
    expect(options.deduplication).toEqual({
      id: `analyze-${runnerId}`,
      keepLastIfActive: true,
      reschedule: true,
    });
  });

  it('coalesces a request that arrives while an analysis runs or is due into one delayed follow-up', () => {
    const options = analyzeRunnerJobOptions({ runnerId }, { timing: { immediate: false } });
    expect(options.delay).toBe(ANALYSIS_COALESCE_MS);
    expect(options.deduplication).toEqual({ id: `analyze-${runnerId}`, keepLastIfActive: true });
  });
});

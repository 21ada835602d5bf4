import { describe, expect, it } from 'vitest';
import { foldLine } from '../../../src/calendar/ics-text.js';
import { renderPlanIcs } from '../../../src/calendar/plan-ics.js';
import { initialPlan } from '../../../src/domain/plan.js';

const plan = { ...initialPlan(new Date('2025-03-03T08:00:00Z')), version: 2 };
const base = {
  plan,
  fromLocalDate: '2025-03-03',
  weeks: 2,
  publicUrl: 'https://rampguard.example',
  timeZone: 'Europe/Berlin',
  calendarId: 'r1',
};
const octets = (s: string) => new TextEncoder().encode(s).length;

/** Undoes RFC 5545 folding. */
const unfold = (ics: string) => ics.replace(/\r\n /g, '');

describe('renderPlanIcs', () => {
  const ics = renderPlanIcs(base);

  it('is a VCALENDAR with CRLF lines of at most 75 octets', () => {
    expect(ics.startsWith('BEGIN:VCALENDAR\r\nVERSION:2.0\r\n')).toBe(true);
    expect(ics.endsWith('END:VCALENDAR\r\n')).toBe(true);
    const lines = ics.slice(0, -2).split('\r\n');
    for (const line of lines) expect(octets(line)).toBeLessThanOrEqual(75);
    expect(ics.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
    expect(lines.filter((l) => l === 'BEGIN:VEVENT')).toHaveLength(
      lines.filter((l) => l === 'END:VEVENT').length,
    );
  });

  it('has one all-day event per session day with a stable UID', () => {
    const uids = unfold(ics).match(/^UID:.*$/gm)!;
    expect(uids).toHaveLength(14);
    expect(uids[0]).toBe('UID:20250303-r1@rampguard.example');
    expect(new Set(uids).size).toBe(14);
    expect(unfold(ics)).toContain('DTSTART;VALUE=DATE:20250303\r\nDTEND;VALUE=DATE:20250304');
    expect(renderPlanIcs(base)).toBe(ics);
  });

  it('keeps UIDs when the plan tapers, so apps update events instead of duplicating', () => {
    const taper = renderPlanIcs({
      ...base,
      plan: { ...plan, phase: 'taper', sessionsPerWeek: 4, version: 3 },
    });
    const uids = unfold(taper).match(/^UID:.*$/gm)!;
    expect(uids).toEqual([
      'UID:20250303-r1@rampguard.example',
      'UID:20250304-r1@rampguard.example',
      'UID:20250306-r1@rampguard.example',
      'UID:20250308-r1@rampguard.example',
      'UID:20250310-r1@rampguard.example',
      'UID:20250311-r1@rampguard.example',
      'UID:20250313-r1@rampguard.example',
      'UID:20250315-r1@rampguard.example',
    ]);
    expect(unfold(taper)).toContain('SEQUENCE:3');
  });

  it('describes the doses and links the plan, escaping TEXT', () => {
    const text = unfold(ics);
    expect(text).toContain('SUMMARY:Knee exercises (daily)');
    expect(text).toContain(
      'DESCRIPTION:Leg raise: 5 reps per leg\\, hold 5 s\\nGlute bridge: 3 reps\\, hold 10 s',
    );
    expect(text).toContain('URL:https://rampguard.example/plan');
    expect(text).toContain('X-WR-TIMEZONE:Europe/Berlin');
    expect(text).toContain('DTSTAMP:20250303T080000Z');
  });

  it('drops an unsafe time zone value instead of writing it', () => {
    expect(renderPlanIcs({ ...base, timeZone: 'Europe/Berlin\r\nX-EVIL:1' })).not.toContain('X-EVIL');
  });

  it('uses a given weekday schedule', () => {
    const custom = renderPlanIcs({ ...base, schedule: ['sun'], weeks: 1 });
    expect(unfold(custom).match(/^UID:.*$/gm)).toEqual(['UID:20250309-r1@rampguard.example']);
  });
});

describe('foldLine', () => {
  it('folds at 75 octets without splitting a UTF-8 character', () => {
    const line = `DESCRIPTION:${'é🏃a'.repeat(40)}`;
    const folded = foldLine(line);
    for (const physical of folded.split('\r\n')) {
      expect(octets(physical)).toBeLessThanOrEqual(75);
      expect(physical).not.toContain('\uFFFD');
    }
    expect(folded.replace(/\r\n /g, '')).toBe(line);
  });

  it('leaves short lines alone', () => {
    expect(foldLine('VERSION:2.0')).toBe('VERSION:2.0');
  });
});

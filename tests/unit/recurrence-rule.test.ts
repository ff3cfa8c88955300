import ICAL from 'ical.js';

import { buildRule, NO_REPEAT, parseRule } from '../../admin/src/components/recurrence-rule';

/** The rule's parts, independent of the order ical.js writes them in. */
const partsOf = (rule: string | null) => (rule === null ? null : ICAL.Recur.fromString(rule).toJSON());

describe('the recurrence editor rules', () => {
  // A Tuesday, the second of its month (the browser's local time).
  const start = new Date(2026, 2, 10, 9, 0);

  test('each choice gives the rule a calendar app reads the same way', () => {
    expect(buildRule(NO_REPEAT, start, false)).toBeNull();
    expect(partsOf(buildRule({ ...NO_REPEAT, freq: 'DAILY', interval: 2 }, start, false))).toEqual({ freq: 'DAILY', interval: 2 });
    expect(partsOf(buildRule({ ...NO_REPEAT, freq: 'WEEKLY', days: ['MO', 'TH'] }, start, false))).toEqual({ freq: 'WEEKLY', byday: ['MO', 'TH'] });
    // No day chosen: the start's weekday.
    expect(partsOf(buildRule({ ...NO_REPEAT, freq: 'WEEKLY' }, start, false))).toEqual({ freq: 'WEEKLY', byday: 'TU' });
    expect(partsOf(buildRule({ ...NO_REPEAT, freq: 'MONTHLY' }, start, false))).toEqual({ freq: 'MONTHLY', bymonthday: 10 });
    expect(partsOf(buildRule({ ...NO_REPEAT, freq: 'MONTHLY', monthly: 'weekday' }, start, false))).toEqual({ freq: 'MONTHLY', byday: '2TU' });
    expect(partsOf(buildRule({ ...NO_REPEAT, freq: 'YEARLY', ends: 'count', count: 5 }, start, false))).toEqual({ freq: 'YEARLY', count: 5 });
  });

  test('an end date covers the whole last day: a date for all-day series, the day\'s last second in UTC otherwise', () => {
    expect(buildRule({ ...NO_REPEAT, freq: 'DAILY', ends: 'until', until: '2026-12-31' }, start, true)).toBe('FREQ=DAILY;UNTIL=20261231');
    const timed = buildRule({ ...NO_REPEAT, freq: 'DAILY', ends: 'until', until: '2026-12-31' }, start, false) ?? '';
    const until = /UNTIL=(\d{8}T\d{6}Z)/.exec(timed)?.[1] ?? '';
    const expected = new Date('2026-12-31T23:59:59').toISOString().replace(/[-:]/g, '').slice(0, 15) + 'Z';
    expect(until).toBe(expected);
  });

  test('rules read back into the same choices', () => {
    for (const rule of [
      { ...NO_REPEAT, freq: 'WEEKLY' as const, interval: 2, days: ['MO', 'WE'], ends: 'count' as const, count: 8 },
      { ...NO_REPEAT, freq: 'MONTHLY' as const, monthly: 'weekday' as const },
      { ...NO_REPEAT, freq: 'DAILY' as const, ends: 'until' as const, until: '2027-01-15' },
    ]) {
      const text = buildRule(rule, start, true);
      expect(parseRule(text)).toMatchObject({ freq: rule.freq, interval: rule.interval, ends: rule.ends });
    }
    expect(parseRule('FREQ=WEEKLY;BYDAY=MO,WE;COUNT=8')).toMatchObject({ freq: 'WEEKLY', days: ['MO', 'WE'], ends: 'count', count: 8 });
    expect(parseRule('FREQ=MONTHLY;BYDAY=-1FR')).toMatchObject({ freq: 'MONTHLY', monthly: 'weekday' });
    expect(parseRule(null)).toEqual(NO_REPEAT);
  });

  test('rules the editor cannot show are left to the text field', () => {
    expect(parseRule('FREQ=HOURLY')).toBeNull();
    expect(parseRule('FREQ=YEARLY;BYMONTH=3;BYDAY=2SU')).toBeNull();
    expect(parseRule('FREQ=MONTHLY;BYDAY=MO,TU')).toBeNull();
    expect(parseRule('FREQ=WEEKLY;BYSETPOS=1;BYDAY=MO')).toBeNull();
    expect(parseRule('not a rule')).toBeNull();
  });
});

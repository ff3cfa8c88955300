import { matchesCalendarFilter } from '../../server/src/ical';
import { weeklySeries } from './ical-fixtures';
const q = (start: string, end: string) => ({ name: 'VCALENDAR', isNotDefined: false, propFilters: [], compFilters: [{ name: 'VEVENT', isNotDefined: false, timeRange: { start: new Date(start), end: new Date(end) }, propFilters: [], compFilters: [] }] });
test('t', () => {
  const s = weeklySeries(['RRULE:FREQ=SECONDLY']);
  for (const [a, b] of [['2026-03-02T10:00:05Z', '2027-03-02T10:00:05Z'], ['2025-01-01T00:00:00Z', '2026-01-01T00:00:00Z'], ['2027-03-02T00:00:00Z', '2028-03-02T00:00:00Z']]) {
    const t = Date.now(); const r = matchesCalendarFilter(s, q(a, b)); console.log(a, r, Date.now() - t);
  }
  const d = weeklySeries(['RRULE:FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30']);
  let t = Date.now(); console.log(matchesCalendarFilter(d, q('2027-01-01T00:00:00Z', '2028-01-01T00:00:00Z')), Date.now() - t);
  const w = weeklySeries(['RRULE:FREQ=DAILY']);
  t = Date.now(); console.log(matchesCalendarFilter(w, q('2036-01-01T10:30:00Z', '2036-01-01T10:40:00Z')), Date.now() - t);
});

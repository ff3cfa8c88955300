import { isResourceName, isTimeZoneName } from '../../server/src/middlewares/document-rules';

describe('field rules', () => {
  test.each(['Europe/Berlin', 'America/Argentina/Buenos_Aires', 'UTC', 'Etc/GMT+5'])('%s is a time zone', (zone) => {
    expect(isTimeZoneName(zone)).toBe(true);
  });

  test.each(['Mars/Olympus', 'Europe/Berlin ', '+02:00', '', 'Europe/../Berlin'])('%p is not a time zone', (zone) => {
    expect(isTimeZoneName(zone)).toBe(false);
  });

  test.each(['event.ics', 'a b.ics', '1234@example.com.ics'])('%p is a resource name', (name) => {
    expect(isResourceName(name)).toBe(true);
  });

  test.each(['', '.', '..', 'a/b.ics', 'a\\b.ics', 'a\u0000.ics', 'x'.repeat(256)])('%p is not a resource name', (name) => {
    expect(isResourceName(name)).toBe(false);
  });
});

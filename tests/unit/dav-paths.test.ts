import { createHrefs, locate } from '../../server/src/dav/paths';

describe('locate', () => {
  test('each kind of URL of the tree', () => {
    expect(locate('/dav/', '/dav')).toEqual({ kind: 'root' });
    expect(locate('/dav/principals/ada/', '/dav')).toEqual({ kind: 'principal', username: 'ada' });
    expect(locate('/dav/principals/roles/', '/dav')).toEqual({ kind: 'principal', username: 'roles' });
    expect(locate('/dav/principals/roles/team/', '/dav')).toEqual({ kind: 'group', role: 'team' });
    expect(locate('/dav/principals/ada/team/', '/dav')).toBeNull();
    expect(locate('/dav/calendars/ada/work/x%20y.ics', '/dav')).toEqual({ kind: 'calendar-object', username: 'ada', slug: 'work', name: 'x y.ics' });
    expect(locate('/dav/addressbooks/ada/contacts/', '/dav')).toEqual({ kind: 'addressbook', username: 'ada', slug: 'contacts' });
    expect(locate('/dav/feeds/work.ics', '/dav')).toBeNull();
  });

  test('hrefs and locations agree', () => {
    const hrefs = createHrefs('/dav');
    expect(locate(hrefs.group('team'), '/dav')).toEqual({ kind: 'group', role: 'team' });
    expect(locate(hrefs.calendarObject('ada@example.org', 'work', 'a b.ics'), '/dav')).toEqual({
      kind: 'calendar-object',
      username: 'ada@example.org',
      slug: 'work',
      name: 'a b.ics',
    });
    expect(hrefs.publicFeed('open day')).toBe('/dav/feeds/open%20day.ics');
  });
});

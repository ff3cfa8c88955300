import { createHrefs, hrefPath, locate } from '../../server/src/dav/paths';
import { davErrorOf } from './dav-error-of';

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

describe('locate refuses what could leave the tree, and decodes once', () => {
  test.each([
    ['a dot-dot segment', '/dav/calendars/ada/work/../../bob/home/x.ics'],
    ['a percent-encoded dot-dot', '/dav/calendars/ada/work/%2e%2e/%2E%2E/bob/home/x.ics'],
    ['a half-encoded dot-dot', '/dav/calendars/ada/.%2e/bob/home/x.ics'],
    ['a single dot', '/dav/calendars/ada/./work/x.ics'],
    ['an encoded slash', '/dav/calendars/ada/work/..%2f..%2fbob%2fhome%2fx.ics'],
    ['a backslash', '/dav/calendars/ada/work/..\\..\\bob\\home\\x.ics'],
    ['an encoded backslash', '/dav/calendars/ada/work/..%5c..%5cbob'],
    ['an encoded NUL', '/dav/calendars/ada/work/x.ics%00.txt'],
    ['an encoded line break', '/dav/calendars/ada/work/x%0D%0ASet-Cookie:%20a=b'],
    ['an encoded DEL', '/dav/calendars/ada/work/x%7F.ics'],
    ['an encoded C1 control', '/dav/calendars/ada/work/x%C2%85.ics'],
    ['broken percent-encoding', '/dav/calendars/ada/work/100%.ics'],
    ['a percent sign and letters', '/dav/calendars/ada/work/%zz.ics'],
    ['percent-encoding that is not UTF-8', '/dav/calendars/ada/work/caf%E9.ics'],
    ['an overlong encoded dot', '/dav/calendars/ada/work/%C0%AE%C0%AE/x.ics'],
    ['a name of 256 characters', `/dav/calendars/ada/work/${'a'.repeat(252)}.ics`],
  ])('%s: 400 with a message that shows the segment, shortened', (_, path) => {
    const error = davErrorOf(() => locate(path, '/dav'));
    expect(error.status).toBe(400);
    expect(error.message).toMatch(/^The path segment ".{1,64}" (is not allowed|is not valid percent-encoded UTF-8)/);
    expect(error.message.length).toBeLessThan(250);
  });

  test('a doubly encoded dot-dot is the literal name "%2e%2e", never a step up', () => {
    expect(locate('/dav/calendars/ada/work/%252e%252e', '/dav')).toEqual({ kind: 'calendar-object', username: 'ada', slug: 'work', name: '%2e%2e' });
    // Decoded once, the path has too many segments for the tree: nothing.
    expect(locate('/dav/calendars/ada/work/%252e%252e/%252e%252e/bob/home/x.ics', '/dav')).toBeNull();
  });

  test('a name of 255 characters, and names with dots, spaces and non-ASCII letters, are fine', () => {
    const long = `${'a'.repeat(251)}.ics`;
    expect(locate(`/dav/calendars/ada/work/${long}`, '/dav')).toMatchObject({ kind: 'calendar-object', name: long });
    expect(locate('/dav/calendars/ada/work/..x..ics', '/dav')).toMatchObject({ name: '..x..ics' });
    expect(locate('/dav/calendars/ada/work/Caf%C3%A9%20%E6%97%A5.ics', '/dav')).toMatchObject({ name: 'Café 日.ics' });
  });

  test('empty segments (double and trailing slashes) are skipped', () => {
    expect(locate('/dav//calendars///ada//work//x.ics', '/dav')).toEqual({ kind: 'calendar-object', username: 'ada', slug: 'work', name: 'x.ics' });
    expect(locate('/dav/calendars/ada/work/x.ics/', '/dav')).toEqual({ kind: 'calendar-object', username: 'ada', slug: 'work', name: 'x.ics' });
    expect(locate('/dav/calendars/ada/work', '/dav')).toEqual({ kind: 'calendar', username: 'ada', slug: 'work' });
  });

  test('object names are normalized to NFC; usernames and slugs are taken exactly', () => {
    const composed = 'caf%C3%A9.ics';
    const decomposed = 'cafe%CC%81.ics';
    expect(locate(`/dav/calendars/ada/work/${decomposed}`, '/dav')).toMatchObject({ name: 'caf\u00E9.ics' });
    expect(locate(`/dav/calendars/ada/work/${composed}`, '/dav')).toMatchObject({ name: 'caf\u00E9.ics' });
    expect(locate(`/dav/addressbooks/ada/friends/${decomposed}`, '/dav')).toMatchObject({ name: 'caf\u00E9.ics' });
    expect(locate('/dav/calendars/jose%CC%81/work/', '/dav')).toEqual({ kind: 'calendar', username: 'jose\u0301', slug: 'work' });
  });
});

describe('hrefPath', () => {
  test('the path of an absolute URL as written: no dot segment resolved, nothing decoded, whatever the host', () => {
    expect(hrefPath('http://example.org/dav/calendars/ada/work/x.ics')).toBe('/dav/calendars/ada/work/x.ics');
    expect(hrefPath('HTTPS://other.example:8443/dav/calendars/ada/work/../../bob/home/x.ics?q=1#f')).toBe('/dav/calendars/ada/work/../../bob/home/x.ics');
    expect(hrefPath('http://example.org/dav/calendars/ada/work/%2e%2e/x.ics')).toBe('/dav/calendars/ada/work/%2e%2e/x.ics');
    expect(hrefPath('http://example.org/dav\\calendars')).toBe('/dav\\calendars');
    expect(hrefPath('http://user:secret@example.org')).toBe('/');
  });

  test('a path as it is, without query or fragment; another scheme is no path of the tree', () => {
    expect(hrefPath('  /dav/calendars/ada/work/x.ics?x=1 ')).toBe('/dav/calendars/ada/work/x.ics');
    expect(hrefPath('/dav/calendars/ada/work/x.ics#top')).toBe('/dav/calendars/ada/work/x.ics');
    expect(hrefPath('file:///dav/calendars/ada/work/x.ics')).toBe('file:///dav/calendars/ada/work/x.ics');
    expect(hrefPath('mailto:ada@example.org')).toBe('mailto:ada@example.org');
  });
});

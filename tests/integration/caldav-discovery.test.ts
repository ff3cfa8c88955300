/**
 * Discovery as real clients do it: the request sequences of iOS, macOS Calendar, Thunderbird and DAVx5, replayed
 * with the URLs and properties each asks for, and every property they rely on checked.
 */

import { davClient, NS, propfindBody, readMultistatus } from '../harness/dav';
import { http } from '../harness/http';
import { createUser, type TestUser } from '../harness/people';
import { startTestServer, type TestServer } from '../harness/strapi';

let server: TestServer;
let user: TestUser;
let dav: ReturnType<typeof davClient>;

const p = (ns: string, name: string) => `{${ns}}${name}`;

beforeAll(async () => {
  server = await startTestServer();
  user = await createUser(server);
  await server.collections.createCalendar({ owner: user.documentId, name: 'Work', slug: 'work', color: '#FF0000', description: 'Office', timezone: 'Europe/Paris' });
  dav = davClient(server.origin, user);
});

afterAll(async () => {
  await server?.stop();
});

const principalPath = () => `/dav/principals/${user.username}/`;
const homePath = () => `/dav/calendars/${user.username}/`;

describe('the discovery steps', () => {
  test('/.well-known/caldav redirects to the DAV root for any method, without credentials', async () => {
    for (const method of ['GET', 'PROPFIND', 'OPTIONS']) {
      const response = await http(server.origin, method, '/.well-known/caldav');
      expect(response.status).toBe(301);
      expect(response.headers.get('location')).toBe('/dav/');
    }
  });

  test('OPTIONS announces the DAV classes and the methods', async () => {
    const response = await http(server.origin, 'OPTIONS', principalPath());
    expect(response.status).toBe(200);
    const classes = (response.headers.get('dav') ?? '').split(',').map((token) => token.trim());
    expect(classes).toEqual(expect.arrayContaining(['1', '3', 'access-control', 'calendar-access']));
    expect(response.headers.get('allow')).toEqual(expect.stringContaining('PROPFIND'));
    expect(response.headers.get('allow')).toEqual(expect.stringContaining('REPORT'));
    expect(response.headers.get('allow')).toEqual(expect.stringContaining('MKCALENDAR'));
  });

  test('requests without credentials get a Basic challenge', async () => {
    const response = await http(server.origin, 'PROPFIND', '/dav/', { headers: { Depth: '0' } });
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toMatch(/^Basic realm="[^"]+"/);
  });

  test.each([['/dav/'], ['/dav'], ['/dav/principals/'], ['/dav/calendars/'], ['/']])(
    'PROPFIND on %s answers current-user-principal and principal-URL',
    async (path) => {
      const response = await dav.propfind(path, '0', propfindBody('d:current-user-principal', 'd:principal-URL', 'd:resourcetype'));
      expect(response.status).toBe(207);
      expect(response.headers.get('dav')).toContain('calendar-access');
      const [entry] = readMultistatus(response.text);
      expect(entry.props.get(p(NS.DAV, 'current-user-principal'))?.hrefs).toEqual([principalPath()]);
      expect(entry.props.get(p(NS.DAV, 'principal-URL'))?.hrefs).toEqual([principalPath()]);
    },
  );

  test('the principal tells where the calendars are and who the user is', async () => {
    const response = await dav.propfind(
      principalPath(),
      '0',
      propfindBody('c:calendar-home-set', 'c:calendar-user-address-set', 'd:displayname', 'd:resourcetype', 'd:principal-URL', 'd:principal-collection-set', 'd:supported-report-set', 'cs:email-address-set'),
    );
    const [entry] = readMultistatus(response.text);
    expect(entry.href).toBe(principalPath());
    expect(entry.props.get(p(NS.CALDAV, 'calendar-home-set'))?.hrefs).toEqual([homePath()]);
    expect(entry.props.get(p(NS.CALDAV, 'calendar-user-address-set'))?.hrefs).toEqual([`mailto:${user.email}`, principalPath()]);
    expect(entry.props.get(p(NS.DAV, 'displayname'))?.text).toBe(user.username);
    expect(entry.props.get(p(NS.DAV, 'resourcetype'))?.children).toEqual([p(NS.DAV, 'principal')]);
    expect(entry.props.get(p(NS.DAV, 'principal-collection-set'))?.hrefs).toEqual(['/dav/principals/']);
    expect(entry.props.get(p(NS.DAV, 'supported-report-set'))?.status).toBe(200);
  });

  test('the calendar home lists the calendars, with and without the trailing slash', async () => {
    for (const path of [homePath(), homePath().slice(0, -1)]) {
      const response = await dav.propfind(path, '1', propfindBody('d:resourcetype', 'd:displayname'));
      expect(response.status).toBe(207);
      const entries = readMultistatus(response.text);
      expect(entries.map((entry) => entry.href)).toEqual([homePath(), `${homePath()}work/`]);
      expect(entries[1].props.get(p(NS.DAV, 'resourcetype'))?.children).toEqual([p(NS.DAV, 'collection'), p(NS.CALDAV, 'calendar')]);
    }
  });

  test('Depth: infinity is refused with propfind-finite-depth', async () => {
    const response = await dav.propfind(homePath(), 'infinity', propfindBody('d:displayname'));
    expect(response.status).toBe(403);
    expect(response.text).toContain('propfind-finite-depth');
  });

  test('unknown properties are reported 404 in their own propstat', async () => {
    const response = await dav.propfind(`${homePath()}work/`, '0', propfindBody('d:displayname', 'x:nonsense xmlns:x="urn:example"'));
    const [entry] = readMultistatus(response.text);
    expect(entry.props.get(p(NS.DAV, 'displayname'))).toMatchObject({ status: 200, text: 'Work' });
    expect(entry.props.get(p('urn:example', 'nonsense'))?.status).toBe(404);
  });
});

describe('client sequences', () => {
  test('iOS / macOS Calendar: principal, home, then the calendar properties it shows', async () => {
    // Apple asks the context path, then the principal, then the home with Depth 1.
    const root = await dav.propfind('/dav/', '0', propfindBody('d:current-user-principal', 'd:principal-URL', 'd:resourcetype'));
    expect(readMultistatus(root.text)[0].props.get(p(NS.DAV, 'current-user-principal'))?.hrefs).toEqual([principalPath()]);

    const principal = await dav.propfind(
      principalPath(),
      '0',
      propfindBody('c:calendar-home-set', 'c:calendar-user-address-set', 'd:current-user-principal', 'd:displayname', 'cs:email-address-set', 'd:principal-collection-set', 'd:principal-URL', 'd:resourcetype', 'd:supported-report-set', 'c:schedule-inbox-URL', 'c:schedule-outbox-URL'),
    );
    const principalProps = readMultistatus(principal.text)[0].props;
    expect(principalProps.get(p(NS.CS, 'email-address-set'))?.text).toBe(user.email);
    // Scheduling is offered: the inbox and outbox Apple looks for.
    expect(principalProps.get(p(NS.CALDAV, 'schedule-inbox-URL'))?.hrefs).toEqual([`/dav/scheduling/${user.username}/inbox/`]);
    expect(principalProps.get(p(NS.CALDAV, 'schedule-outbox-URL'))?.hrefs).toEqual([`/dav/scheduling/${user.username}/outbox/`]);

    const home = await dav.propfind(
      homePath(),
      '1',
      propfindBody('d:displayname', 'd:resourcetype', 'cs:getctag', 'ic:calendar-color', 'ic:calendar-order', 'c:calendar-description', 'c:supported-calendar-component-set', 'd:current-user-privilege-set', 'c:calendar-timezone', 'd:owner', 'd:sync-token', 'c:max-resource-size'),
    );
    const work = readMultistatus(home.text).find((entry) => entry.href.endsWith('/work/'))!;
    expect(work.props.get(p(NS.ICAL, 'calendar-color'))?.text).toBe('#FF0000FF');
    expect(work.props.get(p(NS.ICAL, 'calendar-order'))?.text).toBe('0');
    expect(work.props.get(p(NS.CALDAV, 'calendar-description'))?.text).toBe('Office');
    expect(work.props.get(p(NS.CS, 'getctag'))?.text).toBeTruthy();
    expect(work.props.get(p(NS.CALDAV, 'calendar-timezone'))?.text).toContain('TZID:Europe/Paris');
    expect(work.props.get(p(NS.CALDAV, 'supported-calendar-component-set'))?.childAttributes.map((attributes) => attributes.name)).toEqual(['VEVENT', 'VTODO']);
    expect(work.props.get(p(NS.DAV, 'owner'))?.hrefs).toEqual([principalPath()]);
    expect(work.props.get(p(NS.CALDAV, 'max-resource-size'))?.text).toMatch(/^\d+$/);
    const privileges = work.props.get(p(NS.DAV, 'current-user-privilege-set'));
    expect(privileges?.status).toBe(200);
  });

  test('Thunderbird: OPTIONS and a PROPFIND on the calendar URL it was given', async () => {
    const options = await dav.request('OPTIONS', `${homePath()}work/`);
    expect(options.headers.get('dav')).toContain('calendar-access');
    const response = await dav.propfind(
      `${homePath()}work/`,
      '0',
      propfindBody('d:resourcetype', 'd:owner', 'd:current-user-principal', 'd:current-user-privilege-set', 'd:supported-report-set', 'c:supported-calendar-component-set', 'cs:getctag'),
    );
    const [entry] = readMultistatus(response.text);
    expect(entry.props.get(p(NS.DAV, 'resourcetype'))?.children).toContain(p(NS.CALDAV, 'calendar'));
    expect(entry.props.get(p(NS.DAV, 'supported-report-set'))?.status).toBe(200);
  });

  test('DAVx5: home-set discovery from the principal, then the collections with their rights', async () => {
    const principal = await dav.propfind(principalPath(), '0', propfindBody('c:calendar-home-set', 'd:group-membership'));
    const [homeHref] = readMultistatus(principal.text)[0].props.get(p(NS.CALDAV, 'calendar-home-set'))!.hrefs;
    const home = await dav.propfind(
      homeHref,
      '1',
      propfindBody('d:current-user-privilege-set', 'd:displayname', 'd:owner', 'c:calendar-description', 'ic:calendar-color', 'c:supported-calendar-component-set', 'd:resourcetype', 'c:calendar-timezone', 'c:supported-calendar-data', 'd:supported-report-set'),
    );
    const work = readMultistatus(home.text).find((entry) => entry.href.endsWith('/work/'))!;
    expect(work.props.get(p(NS.CALDAV, 'supported-calendar-data'))?.childAttributes).toEqual([{ 'content-type': 'text/calendar', version: '2.0' }]);
    expect(work.props.get(p(NS.DAV, 'supported-report-set'))?.status).toBe(200);
  });
});

describe('what one user cannot see of another', () => {
  test("another user's home and calendars answer like nothing exists", async () => {
    const other = await createUser(server);
    await server.collections.createCalendar({ owner: other.documentId, name: 'Secret', slug: `secret-${other.username}` });
    for (const path of [`/dav/calendars/${other.username}/`, `/dav/calendars/${other.username}/secret-${other.username}/`, `/dav/calendars/${other.username}/nope/`]) {
      const response = await dav.propfind(path, '1', propfindBody('d:displayname'));
      expect(response.status).toBe(404);
      expect(response.text).not.toContain('Secret');
    }
  });
});

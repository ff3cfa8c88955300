import { NS, type XmlElement } from '../../server/src/dav/model';
import { multistatus, multistatusStream, statusLine, type MultistatusResponse } from '../../server/src/dav/multistatus';
import { elementToContent, parseXml, serializeXml } from '../../server/src/dav/xml';

const calendarData = 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:a&b<c>]]>\r\nSUMMARY:Stand-up\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n';

const child = (element: XmlElement, ns: string, name: string): XmlElement => {
  const found = element.children.find((candidate) => candidate.ns === ns && candidate.name === name);
  if (!found) throw new Error(`no {${ns}}${name} in {${element.ns}}${element.name}`);
  return found;
};
const childrenNamed = (element: XmlElement, ns: string, name: string) =>
  element.children.filter((candidate) => candidate.ns === ns && candidate.name === name);

/** What a client reads from a multistatus: per href, each status line with the properties under it. */
function read(xml: string) {
  const root = parseXml(xml);
  expect(root).toMatchObject({ ns: NS.DAV, name: 'multistatus' });
  return {
    responses: childrenNamed(root, NS.DAV, 'response').map((response) => ({
      href: child(response, NS.DAV, 'href').text,
      status: childrenNamed(response, NS.DAV, 'status')[0]?.text,
      propstats: childrenNamed(response, NS.DAV, 'propstat').map((propstat) => ({
        status: child(propstat, NS.DAV, 'status').text,
        props: child(propstat, NS.DAV, 'prop').children,
      })),
    })),
    syncToken: childrenNamed(root, NS.DAV, 'sync-token')[0]?.text,
  };
}

describe('statusLine', () => {
  test.each([
    [200, 'HTTP/1.1 200 OK'],
    [404, 'HTTP/1.1 404 Not Found'],
    [403, 'HTTP/1.1 403 Forbidden'],
    [424, 'HTTP/1.1 424 Failed Dependency'],
    [507, 'HTTP/1.1 507 Insufficient Storage'],
  ])('%i', (code, line) => expect(statusLine(code)).toBe(line));
});

describe('multistatus', () => {
  test('groups properties into one propstat per status, 200 first, each in the order given', () => {
    const xml = multistatus([
      {
        href: '/dav/calendars/ada/work/',
        properties: [
          { prop: { ns: NS.CALENDARSERVER, name: 'x-missing' }, status: 404 },
          { prop: { ns: NS.DAV, name: 'displayname' }, status: 200, value: 'Work' },
          { prop: { ns: NS.DAV, name: 'resourcetype' }, status: 200, value: [{ ns: NS.DAV, name: 'collection' }, { ns: NS.CALDAV, name: 'calendar' }] },
          { prop: { ns: NS.DAV, name: 'quota-used-bytes' }, status: 404 },
          { prop: { ns: NS.DAV, name: 'getctag' }, status: 403 },
        ],
      },
    ]);
    expect(xml).toBe(
      '<?xml version="1.0" encoding="utf-8"?>\n' +
        '<d:multistatus xmlns:d="DAV:" xmlns:cal="urn:ietf:params:xml:ns:caldav" xmlns:cs="http://calendarserver.org/ns/">' +
        '<d:response><d:href>/dav/calendars/ada/work/</d:href>' +
        '<d:propstat><d:prop><d:displayname>Work</d:displayname><d:resourcetype><d:collection/><cal:calendar/></d:resourcetype></d:prop>' +
        '<d:status>HTTP/1.1 200 OK</d:status></d:propstat>' +
        '<d:propstat><d:prop><d:getctag/></d:prop><d:status>HTTP/1.1 403 Forbidden</d:status></d:propstat>' +
        '<d:propstat><d:prop><cs:x-missing/><d:quota-used-bytes/></d:prop><d:status>HTTP/1.1 404 Not Found</d:status></d:propstat>' +
        '</d:response></d:multistatus>',
    );
  });

  test('status-only responses, an empty property list, errors, descriptions and the sync token', () => {
    const responses: MultistatusResponse[] = [
      { href: '/dav/calendars/ada/work/gone.ics', status: 404 },
      { href: '/dav/calendars/ada/work/kept.ics', properties: [] },
      {
        href: '/dav/calendars/ada/work/',
        status: 507,
        error: { ns: NS.DAV, name: 'number-of-matches-within-limits' },
        description: 'Only the first 100 changes; ask again for more.',
      },
      { href: '/x', status: 403, error: { ns: NS.DAV, name: 'error', children: { ns: NS.DAV, name: 'need-privileges' } } },
    ];
    const xml = multistatus(responses, { syncToken: 'http://127.0.0.1:1337/dav/sync/43' });
    expect(xml).toContain('<d:response><d:href>/dav/calendars/ada/work/gone.ics</d:href><d:status>HTTP/1.1 404 Not Found</d:status></d:response>');
    expect(xml).toContain('<d:propstat><d:prop/><d:status>HTTP/1.1 200 OK</d:status></d:propstat>');
    expect(xml).toContain(
      '<d:status>HTTP/1.1 507 Insufficient Storage</d:status><d:error><d:number-of-matches-within-limits/></d:error>' +
        '<d:responsedescription>Only the first 100 changes; ask again for more.</d:responsedescription>',
    );
    expect(xml).toContain('<d:error><d:need-privileges/></d:error>');
    expect(xml.endsWith('<d:sync-token>http://127.0.0.1:1337/dav/sync/43</d:sync-token></d:multistatus>')).toBe(true);
    expect(multistatus([])).toBe('<?xml version="1.0" encoding="utf-8"?>\n<d:multistatus xmlns:d="DAV:"/>');
  });

  test('a dead property given as its element, or as stored XML, keeps its attributes', () => {
    const color = parseXml('<A:calendar-color xmlns:A="http://apple.com/ns/ical/" symbolic-color="red">#FF0000FF</A:calendar-color>');
    const prop = { ns: NS.APPLE_ICAL, name: 'calendar-color' };
    const expected = '<ical:calendar-color symbolic-color="red">#FF0000FF</ical:calendar-color>';
    expect(multistatus([{ href: '/c/', properties: [{ prop, status: 200, value: elementToContent(color) }] }])).toContain(expected);
    const raw = serializeXml(elementToContent(color));
    expect(multistatus([{ href: '/c/', properties: [{ prop, status: 200, raw }] }])).toContain(expected);
    // Damaged stored XML: the property is answered empty rather than failing the whole response.
    expect(multistatus([{ href: '/c/', properties: [{ prop, status: 200, raw: '<broken' }] }])).toContain('<ical:calendar-color/>');
  });

  test('round trip: parsed back, the hrefs, statuses and values are the same, calendar data CRLF included', () => {
    const responses: MultistatusResponse[] = [
      {
        href: '/dav/calendars/ada/work/stand%20up.ics',
        properties: [
          { prop: { ns: NS.DAV, name: 'getetag' }, status: 200, value: '"3-abc"' },
          { prop: { ns: NS.CALDAV, name: 'calendar-data' }, status: 200, value: calendarData },
          { prop: { ns: 'urn:example:private', name: 'note' }, status: 404 },
        ],
      },
      { href: '/dav/calendars/ada/work/missing.ics', status: 404 },
      {
        href: '/dav/addressbooks/ada/contacts/ad%C3%A9.vcf',
        properties: [{ prop: { ns: NS.CARDDAV, name: 'address-data' }, status: 200, value: 'BEGIN:VCARD\r\nFN:Adé & Co\r\nEND:VCARD\r\n' }],
      },
    ];
    const { responses: parsed, syncToken } = read(multistatus(responses, { syncToken: 'token-1' }));
    expect(syncToken).toBe('token-1');
    expect(parsed.map((response) => response.href)).toEqual(responses.map((response) => response.href));
    expect(parsed[0].status).toBeUndefined();
    expect(parsed[0].propstats.map((propstat) => propstat.status)).toEqual(['HTTP/1.1 200 OK', 'HTTP/1.1 404 Not Found']);
    const [etag, data] = parsed[0].propstats[0].props;
    expect(etag).toMatchObject({ ns: NS.DAV, name: 'getetag', text: '"3-abc"' });
    expect(data).toMatchObject({ ns: NS.CALDAV, name: 'calendar-data', text: calendarData });
    expect(parsed[0].propstats[1].props).toEqual([{ ns: 'urn:example:private', name: 'note', attributes: {}, children: [], text: '' }]);
    expect(parsed[1]).toEqual({ href: '/dav/calendars/ada/work/missing.ics', status: 'HTTP/1.1 404 Not Found', propstats: [] });
    expect(parsed[2].propstats[0].props[0].text).toBe('BEGIN:VCARD\r\nFN:Adé & Co\r\nEND:VCARD\r\n');
  });
});

describe('a multistatus sent as it is written', () => {
  const many: MultistatusResponse[] = Array.from({ length: 450 }, (_, index) => ({
    href: `/dav/calendars/alice/work/event-${index}.ics`,
    properties: [
      { prop: { ns: NS.DAV, name: 'getetag' }, status: 200, value: `"etag-${index}"` },
      { prop: { ns: NS.CALDAV, name: 'calendar-data' }, status: 200, value: calendarData },
      // A namespace the document has no prefix for on its root: declared where it is used, each time.
      { prop: { ns: 'urn:example:private', name: 'flavour' }, status: index % 2 ? 200 : 404, ...(index % 2 ? { value: 'salty' } : {}) },
    ],
  }));

  async function collect(chunks: AsyncIterable<string>): Promise<string[]> {
    const parts: string[] = [];
    for await (const chunk of chunks) parts.push(chunk);
    return parts;
  }

  const batchesOf = (responses: MultistatusResponse[], size: number) =>
    Array.from({ length: Math.ceil(responses.length / size) }, (_, index) => responses.slice(index * size, (index + 1) * size));

  it('reads exactly like the same multistatus written at once, in several pieces', async () => {
    const pieces = await collect(multistatusStream(batchesOf(many, 200), { syncToken: 'urn:token:7' }));
    expect(pieces.length).toBeGreaterThan(2);
    expect(read(pieces.join(''))).toEqual(read(multistatus(many, { syncToken: 'urn:token:7' })));
  });

  it('takes the responses from an asynchronous source, and is well-formed when there are none', async () => {
    async function* none(): AsyncIterable<MultistatusResponse[]> {}
    expect(read((await collect(multistatusStream(none()))).join(''))).toEqual({ responses: [], syncToken: undefined });
    async function* twoBatches(): AsyncIterable<MultistatusResponse[]> {
      yield [many[0]];
      yield [];
      yield [many[1], many[2]];
    }
    expect(read((await collect(multistatusStream(twoBatches()))).join('')).responses.map((response) => response.href)).toEqual(
      [many[0], many[1], many[2]].map((response) => response.href),
    );
  });
});

import { NS, type QName } from '../../server/src/dav/model';
import { parseMkcol, parsePropfind, parseProppatch, parseReport } from '../../server/src/dav/requests';
import { parseXml } from '../../server/src/dav/xml';
import { davErrorOf } from './dav-error-of';

const dav = (name: string): QName => ({ ns: NS.DAV, name });
const caldav = (name: string): QName => ({ ns: NS.CALDAV, name });
const carddav = (name: string): QName => ({ ns: NS.CARDDAV, name });
const cs = (name: string): QName => ({ ns: NS.CALENDARSERVER, name });
const ical = (name: string): QName => ({ ns: NS.APPLE_ICAL, name });

const report = (xml: string) => parseReport(parseXml(xml));

describe('parsePropfind', () => {
  test("Apple Calendar's PROPFIND on the principal (namespaces declared on each property)", () => {
    const body = `<?xml version="1.0" encoding="UTF-8"?>
<A:propfind xmlns:A="DAV:">
  <A:prop>
    <B:calendar-home-set xmlns:B="urn:ietf:params:xml:ns:caldav"/>
    <B:calendar-user-address-set xmlns:B="urn:ietf:params:xml:ns:caldav"/>
    <A:current-user-principal/>
    <A:displayname/>
    <C:dropbox-home-URL xmlns:C="http://calendarserver.org/ns/"/>
    <C:email-address-set xmlns:C="http://calendarserver.org/ns/"/>
    <C:notification-URL xmlns:C="http://calendarserver.org/ns/"/>
    <A:principal-collection-set/>
    <A:principal-URL/>
    <A:resource-id/>
    <B:schedule-inbox-URL xmlns:B="urn:ietf:params:xml:ns:caldav"/>
    <B:schedule-outbox-URL xmlns:B="urn:ietf:params:xml:ns:caldav"/>
    <A:supported-report-set/>
  </A:prop>
</A:propfind>`;
    expect(parsePropfind(parseXml(body))).toEqual({
      kind: 'prop',
      props: [
        caldav('calendar-home-set'),
        caldav('calendar-user-address-set'),
        dav('current-user-principal'),
        dav('displayname'),
        cs('dropbox-home-URL'),
        cs('email-address-set'),
        cs('notification-URL'),
        dav('principal-collection-set'),
        dav('principal-URL'),
        dav('resource-id'),
        caldav('schedule-inbox-URL'),
        caldav('schedule-outbox-URL'),
        dav('supported-report-set'),
      ],
    });
  });

  test("DAVx5's PROPFIND on a collection (default namespace, generated n0:/n1: prefixes)", () => {
    const body =
      "<?xml version='1.0' encoding='UTF-8' ?><propfind xmlns=\"DAV:\" xmlns:CAL=\"urn:ietf:params:xml:ns:caldav\" " +
      'xmlns:CARD="urn:ietf:params:xml:ns:carddav"><prop><resourcetype /><displayname /><CAL:calendar-description />' +
      '<n0:calendar-color xmlns:n0="http://apple.com/ns/ical/" /><CAL:calendar-timezone /><CAL:supported-calendar-component-set />' +
      '<current-user-privilege-set /><n1:getctag xmlns:n1="http://calendarserver.org/ns/" /><sync-token />' +
      '<supported-report-set /><resourcetype /></prop></propfind>';
    expect(parsePropfind(parseXml(body))).toEqual({
      kind: 'prop',
      props: [
        dav('resourcetype'),
        dav('displayname'),
        caldav('calendar-description'),
        ical('calendar-color'),
        caldav('calendar-timezone'),
        caldav('supported-calendar-component-set'),
        dav('current-user-privilege-set'),
        cs('getctag'),
        dav('sync-token'),
        dav('supported-report-set'),
      ],
    });
  });

  test("tsdav's PROPFIND with d: prefix and unused declarations", () => {
    const body = `<?xml version="1.0" encoding="utf-8"?>
<d:propfind xmlns:c="urn:ietf:params:xml:ns:caldav" xmlns:ca="http://apple.com/ns/ical/" xmlns:cs="http://calendarserver.org/ns/" xmlns:card="urn:ietf:params:xml:ns:carddav" xmlns:d="DAV:">
  <d:prop>
    <d:current-user-principal/>
  </d:prop>
</d:propfind>`;
    expect(parsePropfind(parseXml(body))).toEqual({ kind: 'prop', props: [dav('current-user-principal')] });
  });

  test('an empty body, an empty propfind, allprop with include, and propname', () => {
    expect(parsePropfind(null)).toEqual({ kind: 'allprop', include: [] });
    expect(parsePropfind(parseXml('<D:propfind xmlns:D="DAV:"/>'))).toEqual({ kind: 'allprop', include: [] });
    expect(
      parsePropfind(
        parseXml(`<D:propfind xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav">
          <D:allprop/>
          <!-- RFC 4918 9.1: include asks for properties allprop leaves out -->
          <D:include><C:calendar-timezone/><D:supported-report-set/></D:include>
        </D:propfind>`),
      ),
    ).toEqual({ kind: 'allprop', include: [caldav('calendar-timezone'), dav('supported-report-set')] });
    expect(parsePropfind(parseXml('<propfind xmlns="DAV:"><propname/></propfind>'))).toEqual({ kind: 'propname' });
  });

  test('refuses another document element, and prop together with allprop', () => {
    const wrongRoot = davErrorOf(() => parsePropfind(parseXml('<D:propertyupdate xmlns:D="DAV:"/>')));
    expect(wrongRoot.status).toBe(400);
    expect(wrongRoot.message).toMatch(/PROPFIND expects a <propfind> \(DAV:\) body, not <propertyupdate>/);
    expect(davErrorOf(() => parsePropfind(parseXml('<propfind xmlns="propfind"><prop/></propfind>'))).status).toBe(400);
    const both = davErrorOf(() => parsePropfind(parseXml('<D:propfind xmlns:D="DAV:"><D:prop><D:getetag/></D:prop><D:allprop/></D:propfind>')));
    expect(both.status).toBe(400);
  });
});

describe('parseProppatch', () => {
  test("Apple's color and order change, and a removal, in document order", () => {
    const body = `<?xml version="1.0" encoding="UTF-8"?>
<A:propertyupdate xmlns:A="DAV:">
  <A:set>
    <A:prop>
      <B:calendar-color xmlns:B="http://apple.com/ns/ical/" symbolic-color="red">#FF2968FF</B:calendar-color>
    </A:prop>
  </A:set>
  <A:remove>
    <A:prop><C:calendar-description xmlns:C="urn:ietf:params:xml:ns:caldav"/></A:prop>
  </A:remove>
  <A:set>
    <A:prop>
      <B:calendar-order xmlns:B="http://apple.com/ns/ical/">3</B:calendar-order>
      <A:displayname>Work &amp; more</A:displayname>
    </A:prop>
  </A:set>
</A:propertyupdate>`;
    const updates = parseProppatch(parseXml(body));
    expect(updates.map((update) => `${update.action} ${update.prop.name}`)).toEqual([
      'set calendar-color',
      'remove calendar-description',
      'set calendar-order',
      'set displayname',
    ]);
    expect(updates[0]).toEqual({
      action: 'set',
      prop: ical('calendar-color'),
      value: { ns: NS.APPLE_ICAL, name: 'calendar-color', attributes: { 'symbolic-color': 'red' }, children: [], text: '#FF2968FF' },
    });
    expect(updates[1]).toEqual({ action: 'remove', prop: caldav('calendar-description') });
    expect(updates[3]).toMatchObject({ action: 'set', prop: dav('displayname'), value: { text: 'Work & more' } });
  });

  test('refuses a body without set or remove, and a set without prop', () => {
    expect(davErrorOf(() => parseProppatch(parseXml('<D:propertyupdate xmlns:D="DAV:"/>'))).message).toMatch(/<set> or <remove>/);
    expect(davErrorOf(() => parseProppatch(parseXml('<D:propertyupdate xmlns:D="DAV:"><D:set/></D:propertyupdate>'))).status).toBe(400);
    expect(davErrorOf(() => parseProppatch(parseXml('<D:propfind xmlns:D="DAV:"/>'))).status).toBe(400);
  });
});

describe('parseMkcol', () => {
  test("Apple's MKCALENDAR with components, color and a time zone in CDATA", () => {
    const body = `<?xml version="1.0" encoding="UTF-8"?>
<B:mkcalendar xmlns:B="urn:ietf:params:xml:ns:caldav">
  <A:set xmlns:A="DAV:">
    <A:prop>
      <B:supported-calendar-component-set>
        <B:comp name="VEVENT"/>
      </B:supported-calendar-component-set>
      <A:displayname>Untitled</A:displayname>
      <D:calendar-color xmlns:D="http://apple.com/ns/ical/" symbolic-color="purple">#CC73E1FF</D:calendar-color>
      <D:calendar-order xmlns:D="http://apple.com/ns/ical/">3</D:calendar-order>
      <B:calendar-timezone><![CDATA[BEGIN:VCALENDAR
VERSION:2.0
BEGIN:VTIMEZONE
TZID:Europe/Paris
END:VTIMEZONE
END:VCALENDAR
]]></B:calendar-timezone>
    </A:prop>
  </A:set>
</B:mkcalendar>`;
    const { resourceType, updates } = parseMkcol(parseXml(body), 'mkcalendar');
    expect(resourceType).toEqual([]);
    expect(updates.map((update) => update.prop)).toEqual([
      caldav('supported-calendar-component-set'),
      dav('displayname'),
      ical('calendar-color'),
      ical('calendar-order'),
      caldav('calendar-timezone'),
    ]);
    const components = updates[0].action === 'set' ? updates[0].value.children : [];
    expect(components).toEqual([{ ns: NS.CALDAV, name: 'comp', attributes: { name: 'VEVENT' }, children: [], text: '' }]);
    expect(updates[4].action === 'set' && updates[4].value.text).toMatch(/^BEGIN:VCALENDAR\nVERSION:2.0\n.*TZID:Europe\/Paris/s);
  });

  test("DAVx5's extended MKCOL for an address book, and tsdav's MKCALENDAR", () => {
    const davx5 =
      "<?xml version='1.0' encoding='UTF-8' ?><mkcol xmlns=\"DAV:\" xmlns:CAL=\"urn:ietf:params:xml:ns:caldav\" " +
      'xmlns:CARD="urn:ietf:params:xml:ns:carddav"><set><prop><resourcetype><collection /><CARD:addressbook /></resourcetype>' +
      '<displayname>Contacts</displayname><CARD:addressbook-description>Family</CARD:addressbook-description></prop></set></mkcol>';
    const mkcol = parseMkcol(parseXml(davx5), 'mkcol');
    expect(mkcol.resourceType).toEqual([dav('collection'), carddav('addressbook')]);
    expect(mkcol.updates.map((update) => update.prop)).toEqual([dav('displayname'), carddav('addressbook-description')]);

    const tsdav = `<?xml version="1.0" encoding="utf-8"?>
<c:mkcalendar xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav" xmlns:ca="http://apple.com/ns/ical/">
  <d:set>
    <d:prop>
      <d:displayname>New</d:displayname>
      <c:calendar-description>desc</c:calendar-description>
    </d:prop>
  </d:set>
</c:mkcalendar>`;
    expect(parseMkcol(parseXml(tsdav), 'mkcalendar').updates.map((update) => update.prop.name)).toEqual(['displayname', 'calendar-description']);
  });

  test('no body sets nothing; the document element must match the method', () => {
    expect(parseMkcol(null, 'mkcalendar')).toEqual({ resourceType: [], updates: [] });
    expect(davErrorOf(() => parseMkcol(parseXml('<D:mkcol xmlns:D="DAV:"/>'), 'mkcalendar')).message).toMatch(/MKCALENDAR expects a <mkcalendar>/);
    expect(davErrorOf(() => parseMkcol(parseXml('<C:mkcalendar xmlns:C="urn:ietf:params:xml:ns:caldav"/>'), 'mkcol')).status).toBe(400);
  });
});

describe('parseReport: CalDAV', () => {
  test("Thunderbird's calendar-query with a time range and calendar-data", () => {
    const body = `<?xml version="1.0" encoding="UTF-8"?>
<C:calendar-query xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav">
  <D:prop>
    <D:getetag/>
    <C:calendar-data/>
  </D:prop>
  <C:filter>
    <C:comp-filter name="VCALENDAR">
      <C:comp-filter name="VEVENT">
        <C:time-range start="20260201T000000Z" end="20260501T000000Z"/>
      </C:comp-filter>
    </C:comp-filter>
  </C:filter>
</C:calendar-query>`;
    expect(report(body)).toEqual({
      kind: 'calendar-query',
      prop: { kind: 'prop', props: [dav('getetag'), caldav('calendar-data')] },
      calendarData: {},
      filter: {
        name: 'VCALENDAR',
        isNotDefined: false,
        propFilters: [],
        compFilters: [
          {
            name: 'VEVENT',
            isNotDefined: false,
            timeRange: { start: new Date('2026-02-01T00:00:00Z'), end: new Date('2026-05-01T00:00:00Z') },
            propFilters: [],
            compFilters: [],
          },
        ],
      },
    });
  });

  test('calendar-query with cal: prefix, open time range, text and parameter filters, partial data and a time zone', () => {
    const body = `<cal:calendar-query xmlns:d="DAV:" xmlns:cal="urn:ietf:params:xml:ns:caldav">
  <d:prop>
    <cal:calendar-data content-type="text/calendar" version="2.0">
      <cal:comp name="VCALENDAR">
        <cal:prop name="VERSION"/>
        <cal:comp name="VEVENT">
          <cal:prop name="SUMMARY"/>
          <cal:prop name="uid"/>
          <cal:prop name="ATTENDEE" novalue="yes"/>
        </cal:comp>
        <cal:comp name="VTIMEZONE"><cal:allprop/><cal:allcomp/></cal:comp>
      </cal:comp>
      <cal:expand start="20260301T000000Z" end="20260308T000000Z"/>
    </cal:calendar-data>
  </d:prop>
  <cal:filter>
    <cal:comp-filter name="VCALENDAR">
      <cal:comp-filter name="vtodo">
        <cal:time-range start="20260301T000000Z"/>
        <cal:prop-filter name="STATUS">
          <cal:text-match negate-condition="yes">CANCELLED</cal:text-match>
        </cal:prop-filter>
        <cal:prop-filter name="ATTENDEE">
          <cal:text-match collation="i;octet">mailto:ada@example.com</cal:text-match>
          <cal:param-filter name="PARTSTAT"><cal:text-match>NEEDS-ACTION</cal:text-match></cal:param-filter>
          <cal:param-filter name="X-HIDDEN"><cal:is-not-defined/></cal:param-filter>
        </cal:prop-filter>
        <cal:prop-filter name="COMPLETED"><cal:is-not-defined/></cal:prop-filter>
        <cal:comp-filter name="VALARM"><cal:time-range end="20260401T000000Z"/></cal:comp-filter>
      </cal:comp-filter>
    </cal:comp-filter>
  </cal:filter>
  <cal:timezone>BEGIN:VCALENDAR&#13;
BEGIN:VTIMEZONE&#13;
TZID:America/New_York&#13;
END:VTIMEZONE&#13;
END:VCALENDAR&#13;
</cal:timezone>
</cal:calendar-query>`;
    const request = report(body);
    if (request.kind !== 'calendar-query') throw new Error(request.kind);
    expect(request.calendarData).toEqual({
      comp: {
        name: 'VCALENDAR',
        allProps: false,
        props: [{ name: 'VERSION', novalue: false }],
        allComps: false,
        comps: [
          {
            name: 'VEVENT',
            allProps: false,
            props: [
              { name: 'SUMMARY', novalue: false },
              { name: 'UID', novalue: false },
              { name: 'ATTENDEE', novalue: true },
            ],
            allComps: false,
            comps: [],
          },
          { name: 'VTIMEZONE', allProps: true, props: [], allComps: true, comps: [] },
        ],
      },
      expand: { start: new Date('2026-03-01T00:00:00Z'), end: new Date('2026-03-08T00:00:00Z') },
    });
    const todo = request.filter.compFilters[0];
    expect(todo.name).toBe('VTODO');
    expect(todo.timeRange).toEqual({ start: new Date('2026-03-01T00:00:00Z') });
    expect(todo.propFilters).toEqual([
      {
        name: 'STATUS',
        isNotDefined: false,
        textMatch: { value: 'CANCELLED', collation: 'i;ascii-casemap', negate: true },
        paramFilters: [],
      },
      {
        name: 'ATTENDEE',
        isNotDefined: false,
        textMatch: { value: 'mailto:ada@example.com', collation: 'i;octet', negate: false },
        paramFilters: [
          { name: 'PARTSTAT', isNotDefined: false, textMatch: { value: 'NEEDS-ACTION', collation: 'i;ascii-casemap', negate: false } },
          { name: 'X-HIDDEN', isNotDefined: true },
        ],
      },
      { name: 'COMPLETED', isNotDefined: true, paramFilters: [] },
    ]);
    expect(todo.compFilters).toEqual([
      { name: 'VALARM', isNotDefined: false, timeRange: { end: new Date('2026-04-01T00:00:00Z') }, propFilters: [], compFilters: [] },
    ]);
    expect(request.timezone).toBe('BEGIN:VCALENDAR\r\nBEGIN:VTIMEZONE\r\nTZID:America/New_York\r\nEND:VTIMEZONE\r\nEND:VCALENDAR\r\n');
  });

  test("tsdav's calendar-multiget: hrefs as given, still encoded", () => {
    const body = `<?xml version="1.0" encoding="utf-8"?>
<c:calendar-multiget xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav">
  <d:prop>
    <d:getetag/>
    <c:calendar-data/>
  </d:prop>
  <d:href>/dav/calendars/ada/work/a.ics</d:href>
  <d:href>/dav/calendars/ada/work/b%20c.ics</d:href>
  <d:href>
    http://127.0.0.1:1337/dav/calendars/ada/work/%C3%A9t%C3%A9.ics
  </d:href>
</c:calendar-multiget>`;
    expect(report(body)).toEqual({
      kind: 'calendar-multiget',
      prop: { kind: 'prop', props: [dav('getetag'), caldav('calendar-data')] },
      calendarData: {},
      hrefs: ['/dav/calendars/ada/work/a.ics', '/dav/calendars/ada/work/b%20c.ics', 'http://127.0.0.1:1337/dav/calendars/ada/work/%C3%A9t%C3%A9.ics'],
    });
  });

  test('a multiget without calendar-data, or without any prop, asks for no calendar data', () => {
    const withEtag = report('<C:calendar-multiget xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:prop><D:getetag/></D:prop><D:href>/a.ics</D:href></C:calendar-multiget>');
    expect(withEtag).toEqual({ kind: 'calendar-multiget', prop: { kind: 'prop', props: [dav('getetag')] }, hrefs: ['/a.ics'] });
    const bare = report('<C:calendar-multiget xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:href>/a.ics</D:href></C:calendar-multiget>');
    expect(bare).toEqual({ kind: 'calendar-multiget', prop: { kind: 'prop', props: [] }, hrefs: ['/a.ics'] });
  });

  test('free-busy-query (RFC 4791 7.10.1)', () => {
    const body = `<?xml version="1.0" encoding="utf-8" ?>
<C:free-busy-query xmlns:C="urn:ietf:params:xml:ns:caldav">
  <C:time-range start="20060104T140000Z" end="20060105T220000Z"/>
</C:free-busy-query>`;
    expect(report(body)).toEqual({
      kind: 'free-busy-query',
      timeRange: { start: new Date('2006-01-04T14:00:00Z'), end: new Date('2006-01-05T22:00:00Z') },
    });
    expect(davErrorOf(() => report('<C:free-busy-query xmlns:C="urn:ietf:params:xml:ns:caldav"/>')).status).toBe(400);
  });

  const query = (filter: string, prop = '<D:prop><D:getetag/></D:prop>') =>
    `<C:calendar-query xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav">${prop}<C:filter>${filter}</C:filter></C:calendar-query>`;
  const inEvent = (inner: string) => `<C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT">${inner}</C:comp-filter></C:comp-filter>`;

  test.each([
    ['a time range in local time', inEvent('<C:time-range start="20260301T000000"/>')],
    ['a time range with a date only', inEvent('<C:time-range start="20260301"/>')],
    ['an impossible date', inEvent('<C:time-range start="20260230T000000Z"/>')],
    ['a time range without start and end', inEvent('<C:time-range/>')],
    ['a time range ending before it starts', inEvent('<C:time-range start="20260302T000000Z" end="20260301T000000Z"/>')],
    ['an empty time range', inEvent('<C:time-range start="20260301T000000Z" end="20260301T000000Z"/>')],
    ['no comp-filter', ''],
    ['two comp-filters', '<C:comp-filter name="VCALENDAR"/><C:comp-filter name="VCALENDAR"/>'],
    ['an outer filter other than VCALENDAR', '<C:comp-filter name="VEVENT"/>'],
    ['a nested VCALENDAR', '<C:comp-filter name="VCALENDAR"><C:comp-filter name="VCALENDAR"/></C:comp-filter>'],
    ['a comp-filter without name', '<C:comp-filter name="VCALENDAR"><C:comp-filter/></C:comp-filter>'],
    ['is-not-defined with a time range', inEvent('<C:prop-filter name="DTSTART"><C:is-not-defined/><C:time-range start="20260301T000000Z"/></C:prop-filter>')],
    ['time-range and text-match together', inEvent('<C:prop-filter name="SUMMARY"><C:time-range start="20260301T000000Z"/><C:text-match>x</C:text-match></C:prop-filter>')],
    ['a bad negate-condition', inEvent('<C:prop-filter name="SUMMARY"><C:text-match negate-condition="true">x</C:text-match></C:prop-filter>')],
  ])('refuses %s with 403 CALDAV:valid-filter', (_, filter) => {
    const error = davErrorOf(() => report(query(filter)));
    expect(error.status).toBe(403);
    expect(error.precondition).toEqual(caldav('valid-filter'));
  });

  test('refuses an unknown collation with 403 CALDAV:supported-collation', () => {
    const error = davErrorOf(() => report(query(inEvent('<C:prop-filter name="SUMMARY"><C:text-match collation="i;basic">x</C:text-match></C:prop-filter>'))));
    expect(error).toMatchObject({ status: 403, precondition: caldav('supported-collation') });
    expect(error.message).toMatch(/i;basic/);
  });

  test.each([
    ['JSON calendar data', '<C:calendar-data content-type="application/calendar+json"/>'],
    ['iCalendar 1.0', '<C:calendar-data content-type="text/calendar" version="1.0"/>'],
  ])('refuses %s with 403 CALDAV:supported-calendar-data', (_, data) => {
    const error = davErrorOf(() => report(query(inEvent(''), `<D:prop>${data}</D:prop>`)));
    expect(error).toMatchObject({ status: 403, precondition: caldav('supported-calendar-data') });
  });

  test('accepts text/calendar with parameters, and refuses expand without an end, or with limit-recurrence-set', () => {
    const accepted = report(query(inEvent(''), '<D:prop><C:calendar-data content-type="text/calendar; charset=utf-8"/></D:prop>'));
    expect(accepted.kind === 'calendar-query' && accepted.calendarData).toEqual({});
    expect(davErrorOf(() => report(query(inEvent(''), '<D:prop><C:calendar-data><C:expand start="20260301T000000Z"/></C:calendar-data></D:prop>'))).status).toBe(400);
    const both = '<C:expand start="20260301T000000Z" end="20260302T000000Z"/><C:limit-recurrence-set start="20260301T000000Z" end="20260302T000000Z"/>';
    expect(davErrorOf(() => report(query(inEvent(''), `<D:prop><C:calendar-data>${both}</C:calendar-data></D:prop>`))).status).toBe(400);
  });

  test('refuses a calendar-query without filter with 400', () => {
    expect(davErrorOf(() => report('<C:calendar-query xmlns:C="urn:ietf:params:xml:ns:caldav"/>')).status).toBe(400);
  });
});

describe('parseReport: WebDAV sync, principals', () => {
  test("DAVx5's sync-collection with a token, a limit and getctag-style props", () => {
    const body =
      "<?xml version='1.0' encoding='UTF-8' ?><sync-collection xmlns=\"DAV:\" xmlns:CAL=\"urn:ietf:params:xml:ns:caldav\">" +
      '<sync-token>http://127.0.0.1:1337/dav/sync/42</sync-token><sync-level>1</sync-level>' +
      '<limit><nresults>100</nresults></limit><prop><getcontenttype /><getetag /></prop></sync-collection>';
    expect(report(body)).toEqual({
      kind: 'sync-collection',
      syncToken: 'http://127.0.0.1:1337/dav/sync/42',
      syncLevel: '1',
      limit: 100,
      prop: { kind: 'prop', props: [dav('getcontenttype'), dav('getetag')] },
    });
  });

  test("an initial sync with an empty token (tsdav's element order), and infinite levels", () => {
    const tsdav = `<?xml version="1.0" encoding="utf-8"?>
<d:sync-collection xmlns:c="urn:ietf:params:xml:ns:caldav" xmlns:card="urn:ietf:params:xml:ns:carddav" xmlns:d="DAV:">
  <d:sync-level>1</d:sync-level>
  <d:sync-token/>
  <d:prop>
    <d:getetag/>
  </d:prop>
</d:sync-collection>`;
    expect(report(tsdav)).toEqual({ kind: 'sync-collection', syncToken: '', syncLevel: '1', prop: { kind: 'prop', props: [dav('getetag')] } });
    for (const level of ['infinite', 'infinity']) {
      const request = report(`<D:sync-collection xmlns:D="DAV:"><D:sync-token/><D:sync-level>${level}</D:sync-level><D:prop/></D:sync-collection>`);
      expect(request).toMatchObject({ kind: 'sync-collection', syncLevel: 'infinite' });
    }
  });

  test.each([
    ['sync-level 2', '<D:sync-level>2</D:sync-level>'],
    ['a limit of zero', '<D:sync-level>1</D:sync-level><D:limit><D:nresults>0</D:nresults></D:limit>'],
    ['a limit that is not a number', '<D:sync-level>1</D:sync-level><D:limit><D:nresults>ten</D:nresults></D:limit>'],
    ['a limit without nresults', '<D:sync-level>1</D:sync-level><D:limit/>'],
  ])('refuses a sync-collection with %s', (_, inner) => {
    const error = davErrorOf(() => report(`<D:sync-collection xmlns:D="DAV:"><D:sync-token/>${inner}<D:prop/></D:sync-collection>`));
    expect(error.status).toBe(400);
  });

  test("Apple's expand-property for calendar proxies, recursively", () => {
    const body = `<?xml version="1.0" encoding="UTF-8"?>
<A:expand-property xmlns:A="DAV:">
  <A:property name="calendar-proxy-write-for" namespace="http://calendarserver.org/ns/">
    <A:property name="displayname" namespace="DAV:"/>
    <A:property name="principal-URL"/>
    <A:property name="calendar-user-address-set" namespace="urn:ietf:params:xml:ns:caldav"/>
  </A:property>
  <A:property name="calendar-proxy-read-for" namespace="http://calendarserver.org/ns/"/>
</A:expand-property>`;
    expect(report(body)).toEqual({
      kind: 'expand-property',
      properties: [
        {
          prop: cs('calendar-proxy-write-for'),
          children: [
            { prop: dav('displayname'), children: [] },
            { prop: dav('principal-URL'), children: [] },
            { prop: caldav('calendar-user-address-set'), children: [] },
          ],
        },
        { prop: cs('calendar-proxy-read-for'), children: [] },
      ],
    });
    expect(davErrorOf(() => report('<D:expand-property xmlns:D="DAV:"><D:property/></D:expand-property>')).status).toBe(400);
  });

  test("Apple's principal-property-search (test attribute, match-type) and the defaults of RFC 3744", () => {
    const apple = `<?xml version="1.0" encoding="UTF-8"?>
<A:principal-property-search xmlns:A="DAV:" test="anyof">
  <A:property-search>
    <A:prop><A:displayname/></A:prop>
    <A:match match-type="starts-with">ada</A:match>
  </A:property-search>
  <A:property-search>
    <A:prop><C:email-address-set xmlns:C="http://calendarserver.org/ns/"/></A:prop>
    <A:match match-type="starts-with">ada</A:match>
  </A:property-search>
  <A:prop>
    <A:displayname/>
    <B:calendar-user-address-set xmlns:B="urn:ietf:params:xml:ns:caldav"/>
    <A:principal-URL/>
  </A:prop>
</A:principal-property-search>`;
    expect(report(apple)).toEqual({
      kind: 'principal-property-search',
      searches: [
        { props: [dav('displayname')], match: 'ada', matchType: 'starts-with' },
        { props: [cs('email-address-set')], match: 'ada', matchType: 'starts-with' },
      ],
      test: 'anyof',
      prop: [dav('displayname'), caldav('calendar-user-address-set'), dav('principal-URL')],
      applyToPrincipalCollectionSet: false,
    });

    const rfc = `<D:principal-property-search xmlns:D="DAV:">
  <D:property-search><D:prop><D:displayname/></D:prop><D:match>doE</D:match></D:property-search>
  <D:prop xmlns:B="http://www.example.com/ns/"><D:displayname/><B:department/></D:prop>
  <D:apply-to-principal-collection-set/>
</D:principal-property-search>`;
    expect(report(rfc)).toMatchObject({
      searches: [{ match: 'doE', matchType: 'contains' }],
      test: 'allof',
      prop: [dav('displayname'), { ns: 'http://www.example.com/ns/', name: 'department' }],
      applyToPrincipalCollectionSet: true,
    });
    expect(davErrorOf(() => report('<D:principal-property-search xmlns:D="DAV:"><D:prop/></D:principal-property-search>')).status).toBe(400);
    const badType = '<D:principal-property-search xmlns:D="DAV:"><D:property-search><D:prop><D:displayname/></D:prop><D:match match-type="regex">a</D:match></D:property-search></D:principal-property-search>';
    expect(davErrorOf(() => report(badType)).status).toBe(400);
  });

  test('principal-search-property-set', () => {
    expect(report('<D:principal-search-property-set xmlns:D="DAV:"/>')).toEqual({ kind: 'principal-search-property-set' });
  });

  test('an unknown report is 403 DAV:supported-report', () => {
    const error = davErrorOf(() => report('<D:version-tree xmlns:D="DAV:"><D:prop/></D:version-tree>'));
    expect(error).toMatchObject({ status: 403, precondition: dav('supported-report') });
    expect(error.message).toMatch(/<version-tree> \(DAV:\)/);
  });
});

describe('parseReport: CardDAV', () => {
  test('addressbook-query with match types, parameter filters and a limit (RFC 6352 8.6.3)', () => {
    const body = `<?xml version="1.0" encoding="utf-8" ?>
<C:addressbook-query xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:carddav">
  <D:prop>
    <D:getetag/>
    <C:address-data content-type="text/vcard" version="4.0">
      <C:prop name="VERSION"/>
      <C:prop name="uid"/>
      <C:prop name="NICKNAME"/>
      <C:prop name="EMAIL"/>
      <C:prop name="FN"/>
    </C:address-data>
  </D:prop>
  <C:filter test="allof">
    <C:prop-filter name="NICKNAME">
      <C:text-match collation="i;unicode-casemap" match-type="equals">me</C:text-match>
    </C:prop-filter>
    <C:prop-filter name="EMAIL" test="allof">
      <C:text-match match-type="ends-with">@example.com</C:text-match>
      <C:text-match negate-condition="yes" collation="i;octet">spam</C:text-match>
      <C:param-filter name="TYPE"><C:text-match match-type="equals">work</C:text-match></C:param-filter>
      <C:param-filter name="PREF"><C:is-not-defined/></C:param-filter>
    </C:prop-filter>
    <C:prop-filter name="X-ABC.TEL"><C:is-not-defined/></C:prop-filter>
  </C:filter>
  <C:limit><C:nresults>10</C:nresults></C:limit>
</C:addressbook-query>`;
    expect(report(body)).toEqual({
      kind: 'addressbook-query',
      prop: { kind: 'prop', props: [dav('getetag'), carddav('address-data')] },
      addressData: { contentType: 'text/vcard', version: '4.0', allProps: false, props: ['VERSION', 'UID', 'NICKNAME', 'EMAIL', 'FN'] },
      filter: {
        test: 'allof',
        propFilters: [
          {
            name: 'NICKNAME',
            test: 'anyof',
            isNotDefined: false,
            textMatches: [{ value: 'me', collation: 'i;unicode-casemap', negate: false, matchType: 'equals' }],
            paramFilters: [],
          },
          {
            name: 'EMAIL',
            test: 'allof',
            isNotDefined: false,
            textMatches: [
              { value: '@example.com', collation: 'i;unicode-casemap', negate: false, matchType: 'ends-with' },
              { value: 'spam', collation: 'i;octet', negate: true, matchType: 'contains' },
            ],
            paramFilters: [
              { name: 'TYPE', isNotDefined: false, textMatch: { value: 'work', collation: 'i;unicode-casemap', negate: false, matchType: 'equals' } },
              { name: 'PREF', isNotDefined: true },
            ],
          },
          { name: 'X-ABC.TEL', test: 'anyof', isNotDefined: true, textMatches: [], paramFilters: [] },
        ],
      },
      limit: 10,
    });
  });

  test("tsdav's addressbook-query and addressbook-multiget (empty address-data: the whole vCard)", () => {
    const query = `<?xml version="1.0" encoding="utf-8"?>
<card:addressbook-query xmlns:card="urn:ietf:params:xml:ns:carddav" xmlns:d="DAV:">
  <d:prop>
    <d:getetag/>
  </d:prop>
  <card:filter>
    <card:prop-filter name="FN"/>
  </card:filter>
</card:addressbook-query>`;
    expect(report(query)).toEqual({
      kind: 'addressbook-query',
      prop: { kind: 'prop', props: [dav('getetag')] },
      filter: { test: 'anyof', propFilters: [{ name: 'FN', test: 'anyof', isNotDefined: false, textMatches: [], paramFilters: [] }] },
    });

    const multiget = `<?xml version="1.0" encoding="utf-8"?>
<card:addressbook-multiget xmlns:d="DAV:" xmlns:card="urn:ietf:params:xml:ns:carddav">
  <d:prop>
    <d:getetag/>
    <card:address-data/>
  </d:prop>
  <d:href>/dav/addressbooks/ada/contacts/a.vcf</d:href>
</card:addressbook-multiget>`;
    expect(report(multiget)).toEqual({
      kind: 'addressbook-multiget',
      prop: { kind: 'prop', props: [dav('getetag'), carddav('address-data')] },
      addressData: { allProps: true, props: [] },
      hrefs: ['/dav/addressbooks/ada/contacts/a.vcf'],
    });
  });

  const cardQuery = (inner: string, prop = '') =>
    `<C:addressbook-query xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:carddav">${prop}<C:filter>${inner}</C:filter></C:addressbook-query>`;

  test('refuses an unknown collation (403 CARDDAV:supported-collation) and unsupported address data (403)', () => {
    expect(davErrorOf(() => report(cardQuery('<C:prop-filter name="FN"><C:text-match collation="i;klingon">x</C:text-match></C:prop-filter>')))).toMatchObject({
      status: 403,
      precondition: carddav('supported-collation'),
    });
    expect(davErrorOf(() => report(cardQuery('', '<D:prop><C:address-data content-type="application/vcard+json"/></D:prop>')))).toMatchObject({
      status: 403,
      precondition: carddav('supported-address-data'),
    });
    expect(davErrorOf(() => report(cardQuery('', '<D:prop><C:address-data version="2.1"/></D:prop>'))).precondition).toEqual(
      carddav('supported-address-data'),
    );
  });

  test.each([
    ['a bad match-type', '<C:prop-filter name="FN"><C:text-match match-type="regex">x</C:text-match></C:prop-filter>'],
    ['a bad test', '<C:prop-filter name="FN" test="oneof"/>'],
    ['a prop-filter without name', '<C:prop-filter/>'],
    ['is-not-defined with a text-match', '<C:prop-filter name="FN"><C:is-not-defined/><C:text-match>x</C:text-match></C:prop-filter>'],
  ])('refuses %s with 400', (_, inner) => {
    expect(davErrorOf(() => report(cardQuery(inner))).status).toBe(400);
  });
});

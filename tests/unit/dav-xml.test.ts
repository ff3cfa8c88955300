import { DavError, errorBody, preconditionFailed } from '../../server/src/dav/errors';
import { NS, type XmlElement } from '../../server/src/dav/model';
import { bodyRules, checkBodyCharset, decodeBody } from '../../server/src/dav/requests';
import { SABRE_NS, elementToContent, parseXml, parseXmlBody, serializeXml } from '../../server/src/dav/xml';
import { davErrorOf } from './dav-error-of';

const names = (element: XmlElement): string[] => element.children.map((child) => `{${child.ns}}${child.name}`);

describe('parseXml', () => {
  test('resolves names by namespace, whatever the prefixes (Apple A:/B: declared inline, DAVx5 default namespace)', () => {
    const apple = parseXml(`<?xml version="1.0" encoding="UTF-8"?>
<A:propfind xmlns:A="DAV:">
  <A:prop>
    <B:calendar-home-set xmlns:B="urn:ietf:params:xml:ns:caldav"/>
    <C:getctag xmlns:C="http://calendarserver.org/ns/"/>
  </A:prop>
</A:propfind>`);
    expect(apple).toMatchObject({ ns: NS.DAV, name: 'propfind', attributes: {} });
    expect(names(apple.children[0])).toEqual([`{${NS.CALDAV}}calendar-home-set`, `{${NS.CALENDARSERVER}}getctag`]);

    const davx5 = parseXml(
      `<?xml version='1.0' encoding='UTF-8' ?><propfind xmlns="DAV:" xmlns:CAL="urn:ietf:params:xml:ns:caldav"><prop><resourcetype /><CAL:calendar-description /><n0:calendar-color xmlns:n0="http://apple.com/ns/ical/" /></prop></propfind>`,
    );
    expect(davx5.ns).toBe(NS.DAV);
    expect(names(davx5.children[0])).toEqual([`{DAV:}resourcetype`, `{${NS.CALDAV}}calendar-description`, `{${NS.APPLE_ICAL}}calendar-color`]);
  });

  test('keeps elements without a namespace as such, and xmlns="" undeclares the default', () => {
    const root = parseXml('<D:prop xmlns:D="DAV:"><plain/><x xmlns=""/><y xmlns="urn:other"><z/></y></D:prop>');
    expect(names(root)).toEqual(['{}plain', '{}x', '{urn:other}y']);
    expect(root.children[2].children[0]).toMatchObject({ ns: 'urn:other', name: 'z' });
  });

  test('a prefixed attribute whose namespace is also the default one', () => {
    expect(parseXml('<a xmlns="urn:x" xmlns:x="urn:x" x:b="1"/>').attributes).toEqual({ b: '1' });
  });

  test('attributes by local name, without the namespace declarations', () => {
    const root = parseXml(
      '<A:calendar-color xmlns:A="http://apple.com/ns/ical/" symbolic-color="red">#FF0000FF</A:calendar-color>',
    );
    expect(root).toEqual({ ns: NS.APPLE_ICAL, name: 'calendar-color', attributes: { 'symbolic-color': 'red' }, children: [], text: '#FF0000FF' });
  });

  test('text is the untrimmed concatenation of direct text and CDATA; comments and PIs are skipped', () => {
    const root = parseXml('<a> one <!-- note --><b>inner</b><![CDATA[<two> & ]]><?pi data?>three </a>');
    expect(root.text).toBe(' one <two> & three ');
    expect(root.children[0].text).toBe('inner');
    expect(parseXml('<a>   </a>').text).toBe('   ');
  });

  test('references are decoded once; literal line ends become LF, &#13; stays CR', () => {
    expect(parseXml('<a>&lt;&gt;&amp;&quot;&apos;&#65;&#x42;&#x1F600;</a>').text).toBe('<>&"\'AB\u{1F600}');
    expect(parseXml('<a>&amp;#60; &amp;lt;</a>').text).toBe('&#60; &lt;');
    expect(parseXml('<a>BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n</a>').text).toBe('BEGIN:VCALENDAR\nEND:VCALENDAR\n');
    expect(parseXml('<a>BEGIN:VCALENDAR&#13;\nEND:VCALENDAR&#13;\n</a>').text).toBe('BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n');
    expect(parseXml('<a v="x&#10;y\tz &amp;"/>').attributes.v).toBe('x\ny z &');
  });

  test('tolerates a byte order mark, leading whitespace and trailing whitespace or comments', () => {
    expect(parseXml('\uFEFF<?xml version="1.0"?><D:a xmlns:D="DAV:"/>').name).toBe('a');
    expect(parseXml('\n\n  <D:a xmlns:D="DAV:"/>\n').name).toBe('a');
    expect(parseXml('<a/>\n<!-- end -->\n').name).toBe('a');
  });

  test('accepts exactly the limits: 64 levels, 10,000 elements', () => {
    expect(parseXml(`${'<a>'.repeat(64)}${'</a>'.repeat(64)}`).name).toBe('a');
    expect(parseXml(`<r>${'<a/>'.repeat(9_999)}</r>`).children).toHaveLength(9_999);
  });

  test('parseXmlBody reads an empty or blank body as no body', () => {
    expect(parseXmlBody('')).toBeNull();
    expect(parseXmlBody(' \r\n')).toBeNull();
    expect(parseXmlBody(undefined)).toBeNull();
    expect(parseXmlBody('\uFEFF')).toBeNull();
    expect(parseXmlBody('<a/>')?.name).toBe('a');
  });
});

describe('parseXml refuses', () => {
  test.each([
    ['XXE through an external entity', '<?xml version="1.0"?><!DOCTYPE foo [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><D:propfind xmlns:D="DAV:"><D:prop>&xxe;</D:prop></D:propfind>'],
    ['a DOCTYPE without a subset', '<!DOCTYPE propfind SYSTEM "http://evil.example/dav.dtd"><propfind xmlns="DAV:"/>'],
    ['a lower-case doctype', '<!doctype a><a/>'],
    ['a parameter entity pulling in an external DTD', '<!DOCTYPE a [<!ENTITY % remote SYSTEM "http://127.0.0.1:9/evil.dtd"> %remote;]><a/>'],
    ['a parameter entity declared inside a parameter entity', '<!DOCTYPE a [<!ENTITY % outer "<!ENTITY &#x25; inner \'x\'>"> %outer; %inner;]><a/>'],
    ['an internal entity', '<!DOCTYPE a [<!ENTITY name "value">]><a>&name;</a>'],
    ['a DOCTYPE after a byte order mark, a declaration and a comment', '\uFEFF<?xml version="1.0"?>\n<!-- c --><!DOCTYPE a><a/>'],
  ])('%s', (_, body) => {
    const error = davErrorOf(() => parseXml(body));
    expect(error.status).toBe(400);
    expect(error.message).toMatch(/DOCTYPE/);
  });

  test.each([
    ['an ENTITY declaration in the content', '<a><!ENTITY x "y"></a>'],
    ['a DOCTYPE after the document element', '<a/><!DOCTYPE a [<!ENTITY x "y">]>'],
    ['a DOCTYPE inside the document element', '<a><!DOCTYPE a [<!ENTITY x "y">]><b>&x;</b></a>'],
    ['a DOCTYPE after a comment that mentions an element', '<!-- <a> --><!DOCTYPE a [<!ENTITY x "y">]><a>&x;</a>'],
  ])('%s', (_, body) => {
    const error = davErrorOf(() => parseXml(body));
    expect(error.status).toBe(400);
    expect(error.message).toMatch(/^Malformed XML: /);
  });

  test('"<!DOCTYPE" and "<!ENTITY" as text of the document are only text', () => {
    expect(parseXml('<a><![CDATA[<!DOCTYPE html><!ENTITY x "y">]]></a>').text).toBe('<!DOCTYPE html><!ENTITY x "y">');
    expect(parseXml('<a>&lt;!DOCTYPE html></a>').text).toBe('<!DOCTYPE html>');
  });

  test('billion laughs, before expanding anything', () => {
    const entities = Array.from({ length: 10 }, (_, level) =>
      level === 0 ? '<!ENTITY lol0 "lol">' : `<!ENTITY lol${level} "${`&lol${level - 1};`.repeat(10)}">`,
    ).join('\n');
    const body = `<?xml version="1.0"?>\n<!DOCTYPE lolz [\n${entities}\n]>\n<lolz>&lol9;</lolz>`;
    const started = Date.now();
    expect(davErrorOf(() => parseXml(body)).status).toBe(400);
    expect(Date.now() - started).toBeLessThan(100);
  });

  test('nesting deeper than 64 levels, quickly even for a megabyte of open tags', () => {
    expect(davErrorOf(() => parseXml(`${'<a>'.repeat(65)}${'</a>'.repeat(65)}`)).message).toMatch(/deeper than 64/);
    const started = Date.now();
    expect(davErrorOf(() => parseXml('<a>'.repeat(300_000))).message).toMatch(/deeper than 64/);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  test('more than 10,000 elements', () => {
    expect(davErrorOf(() => parseXml(`<r>${'<a/>'.repeat(10_000)}</r>`)).message).toMatch(/more than 10000 elements/);
  });

  test('more than 1,000 attributes, namespace declarations included', () => {
    const attributes = (count: number) => Array.from({ length: count }, (_, index) => `a${index}="x"`).join(' ');
    expect(parseXml(`<r xmlns="DAV:" ${attributes(999)}/>`).name).toBe('r');
    expect(davErrorOf(() => parseXml(`<r xmlns="DAV:" ${attributes(1000)}/>`)).message).toMatch(/more than 1000 attributes/);
  });

  test('bodies over the size limit, with 413 (default 1 MiB, or as configured)', () => {
    const big = `<a>${'x'.repeat(1024 * 1024)}</a>`;
    expect(davErrorOf(() => parseXml(big)).status).toBe(413);
    expect(davErrorOf(() => parseXml('<a>ééé</a>', { maxBytes: 12 })).status).toBe(413);
    expect(parseXml('<a>ééé</a>', { maxBytes: 13 }).text).toBe('ééé');
  });

  test.each([
    ['an empty body', ''],
    ['plain text', 'hello'],
    ['JSON', '{"propfind": {}}'],
    ['YAML', '---\npropfind: {}'],
    ['a truncated body', '<D:propfind xmlns:D="DAV:"><D:prop><D:getetag/>'],
    ['an unclosed document element', '<D:propfind xmlns:D="DAV:">'],
    ['an unclosed element with text', '<a><b>text</a>'],
    ['an undeclared element prefix', '<D:propfind><D:prop/></D:propfind>'],
    ['an undeclared attribute prefix', '<a x:y="1"/>'],
    ['an undefined entity', '<a>&nbsp;</a>'],
    ['a bare ampersand', '<a>AT&T</a>'],
    ['a character reference to NUL', '<a>&#0;</a>'],
    ['a raw control character', '<a>\u0001</a>'],
    ['a duplicated attribute', '<a b="1" b="2"/>'],
    ['a second document element', '<a/><b/>'],
    ['a "<" in text', '<a>1 < 2</a>'],
    ['an unquoted attribute', '<a b=c/>'],
    ['an invalid element name', '<1a/>'],
    ['an element name that is JSON', '<a><{"b":1}/></a>'],
    ['an end tag with the wrong name', '<a><b></c></a>'],
    ['end tags in the wrong order', '<a><b></a></b>'],
    ['text after the document element', '<a/>trailing'],
    ['XML 1.1', '<?xml version="1.1"?><a/>'],
    ['an unterminated comment', '<a><!-- </a>'],
    ['a declaration and a comment but no element', '<?xml version="1.0"?>\n<!-- nothing here -->'],
  ])('%s', (_, body) => {
    const error = davErrorOf(() => parseXml(body));
    expect(error.status).toBe(400);
    expect(error.message).toMatch(/^Malformed XML: \S/);
    expect(error.message.length).toBeLessThan(300);
  });

  test('a document declaring an encoding other than UTF-8, with 415: the body was read as UTF-8', () => {
    for (const encoding of ['ISO-8859-1', 'UTF-16', 'windows-1252', 'EBCDIC-US']) {
      const error = davErrorOf(() => parseXml(`<?xml version="1.0" encoding="${encoding}"?><a/>`));
      expect(error.status).toBe(415);
      expect(error.message).toContain(`"${encoding}"`);
      expect(error.message).toMatch(/must be UTF-8/);
    }
    for (const encoding of ['UTF-8', 'utf-8', 'utf8', 'US-ASCII']) {
      expect(parseXml(`<?xml version="1.0" encoding="${encoding}"?><a/>`).name).toBe('a');
    }
  });

  test('says where the reader stopped', () => {
    expect(davErrorOf(() => parseXml('<a>\n  <b c=d/>\n</a>')).message).toMatch(/line 2, column \d+/);
  });
});

describe('request bodies as bytes', () => {
  const limits = { maxResourceSize: 1024, maxXmlBodySize: 2048 };
  const xmlRules = bodyRules('PROPFIND', 'calendar', limits);
  const calendarRules = bodyRules('PUT', 'calendar-object', limits);
  const vcardRules = bodyRules('PUT', 'contact', limits);

  test('each method has its limit, and a PUT the preconditions of the collection it writes to', () => {
    expect(xmlRules).toEqual({ maxBytes: 2048, what: 'XML request body' });
    expect(calendarRules).toMatchObject({ maxBytes: 1024, tooLarge: { ns: NS.CALDAV, name: 'max-resource-size' }, notUtf8: { ns: NS.CALDAV, name: 'valid-calendar-data' } });
    expect(vcardRules).toMatchObject({ maxBytes: 1024, tooLarge: { ns: NS.CARDDAV, name: 'max-resource-size' }, notUtf8: { ns: NS.CARDDAV, name: 'valid-address-data' } });
  });

  test('UTF-8 is read as it is, and a byte order mark is dropped', () => {
    expect(decodeBody(Buffer.from('<a>Zoë 日本 😀</a>'), xmlRules)).toBe('<a>Zoë 日本 😀</a>');
    expect(decodeBody(Buffer.from('\uFEFFBEGIN:VCALENDAR'), calendarRules)).toBe('BEGIN:VCALENDAR');
    expect(decodeBody(Buffer.alloc(0), xmlRules)).toBe('');
  });

  test.each([
    ['Latin-1', [0x3c, 0x61, 0x3e, 0x5a, 0x6f, 0xeb, 0x3c], 5, 'EB'],
    ['a lone continuation byte', [0x61, 0x80], 1, '80'],
    ['a sequence cut short at the end', [0x61, 0x62, 0xe6, 0x97], 2, 'E6'],
    ['an overlong "."', [0x61, 0xc0, 0xae], 1, 'C0'],
    ['an overlong "/" in three bytes', [0xe0, 0x80, 0xaf], 0, 'E0'],
    ['an encoded surrogate', [0xed, 0xa0, 0x80], 0, 'ED'],
    ['a code point past U+10FFFF', [0x20, 0xf4, 0x90, 0x80, 0x80], 1, 'F4'],
    ['0xFF', [0xff], 0, 'FF'],
  ])('%s is refused, naming the first bad byte and where it is', (_, bytes, offset, hex) => {
    const asXml = davErrorOf(() => decodeBody(Uint8Array.from(bytes), xmlRules));
    expect(asXml.status).toBe(400);
    expect(asXml.precondition).toBeUndefined();
    expect(asXml.message).toBe(`The XML request body is not valid UTF-8 (byte 0x${hex} at offset ${offset}); send it encoded as UTF-8.`);
    const asCalendar = davErrorOf(() => decodeBody(Uint8Array.from(bytes), calendarRules));
    expect(asCalendar.status).toBe(403);
    expect(asCalendar.precondition).toEqual({ ns: NS.CALDAV, name: 'valid-calendar-data' });
    expect(davErrorOf(() => decodeBody(Uint8Array.from(bytes), vcardRules)).precondition).toEqual({ ns: NS.CARDDAV, name: 'valid-address-data' });
  });

  test('a Content-Type charset other than UTF-8 is refused with 415 before anything is read', () => {
    for (const contentType of [undefined, 'application/xml', 'text/xml; charset=utf-8', 'text/xml;charset="UTF-8"', 'text/calendar; charset=UTF8', 'text/xml; charset=us-ascii']) {
      expect(() => checkBodyCharset(contentType, xmlRules)).not.toThrow();
    }
    const xml = davErrorOf(() => checkBodyCharset('application/xml; charset=ISO-8859-1', xmlRules));
    expect(xml).toMatchObject({ status: 415, message: 'The XML request body is declared as charset "iso-8859-1"; only UTF-8 is accepted.' });
    expect(xml.precondition).toBeUndefined();
    const calendar = davErrorOf(() => checkBodyCharset('text/calendar; charset="utf-16"', calendarRules));
    expect(calendar).toMatchObject({ status: 415, precondition: { ns: NS.CALDAV, name: 'supported-calendar-data' } });
    expect(davErrorOf(() => checkBodyCharset('text/vcard; charset=windows-1252', vcardRules)).precondition).toEqual({ ns: NS.CARDDAV, name: 'supported-address-data' });
    expect(davErrorOf(() => checkBodyCharset(`text/xml; charset=${'x'.repeat(5000)}`, xmlRules)).message.length).toBeLessThan(200);
  });
});

describe('serializeXml', () => {
  test('declares every namespace on the root, with the conventional prefixes, and others as x1, x2', () => {
    const xml = serializeXml({
      ns: NS.DAV,
      name: 'multistatus',
      children: [
        { ns: NS.CALDAV, name: 'calendar-data' },
        { ns: NS.CARDDAV, name: 'address-data' },
        { ns: NS.CALENDARSERVER, name: 'getctag' },
        { ns: NS.APPLE_ICAL, name: 'calendar-color' },
        { ns: 'urn:example:one', name: 'a', children: [{ ns: 'urn:example:two', name: 'b' }, { ns: 'urn:example:one', name: 'c' }] },
        { ns: '', name: 'plain' },
      ],
    });
    expect(xml).toBe(
      '<?xml version="1.0" encoding="utf-8"?>\n' +
        '<d:multistatus xmlns:d="DAV:" xmlns:cal="urn:ietf:params:xml:ns:caldav" xmlns:card="urn:ietf:params:xml:ns:carddav" ' +
        'xmlns:cs="http://calendarserver.org/ns/" xmlns:ical="http://apple.com/ns/ical/" xmlns:x1="urn:example:one" xmlns:x2="urn:example:two">' +
        '<cal:calendar-data/><card:address-data/><cs:getctag/><ical:calendar-color/><x1:a><x2:b/><x1:c/></x1:a><plain/></d:multistatus>',
    );
  });

  test('escapes text and attributes, keeps CR as &#13; and replaces characters XML cannot carry', () => {
    const xml = serializeXml({
      ns: NS.DAV,
      name: 'a',
      attributes: { title: 'say "hi" & <bye>\tnow\r\n' },
      children: ['x < y && z > w ]]> \r\n', { ns: NS.DAV, name: 'b', children: ['one', ' ', 'two'] }, 'bell\u0007'],
    });
    expect(xml).toContain('title="say &quot;hi&quot; &amp; &lt;bye&gt;&#9;now&#13;&#10;"');
    expect(xml).toContain('>x &lt; y &amp;&amp; z &gt; w ]]&gt; &#13;\n<d:b>one two</d:b>bell\uFFFD</d:a>');
    const parsed = parseXml(xml);
    expect(parsed.attributes.title).toBe('say "hi" & <bye>\tnow\r\n');
    expect(parsed.text).toBe('x < y && z > w ]]> \r\nbell\uFFFD');
  });
});

describe('elementToContent', () => {
  const roundTrip = (xml: string) => parseXml(serializeXml(elementToContent(parseXml(xml))));

  test("writes Apple's calendar-color back with its namespace and attribute", () => {
    const stored = serializeXml(
      elementToContent(parseXml('<A:calendar-color xmlns:A="http://apple.com/ns/ical/" symbolic-color="red">#FF0000FF</A:calendar-color>')),
    );
    expect(stored).toBe(
      '<?xml version="1.0" encoding="utf-8"?>\n<ical:calendar-color xmlns:ical="http://apple.com/ns/ical/" symbolic-color="red">#FF0000FF</ical:calendar-color>',
    );
  });

  test('keeps nested elements in other namespaces, attributes and text, and drops indentation', () => {
    const original = `<X:tags xmlns:X="urn:example:tags" version="2">
      <X:tag weight="1">work</X:tag>
      <Y:tag xmlns:Y="urn:example:other">home &amp; family</Y:tag>
      <X:empty/>
    </X:tags>`;
    const back = roundTrip(original);
    expect(back).toEqual({
      ns: 'urn:example:tags',
      name: 'tags',
      attributes: { version: '2' },
      text: '',
      children: [
        { ns: 'urn:example:tags', name: 'tag', attributes: { weight: '1' }, children: [], text: 'work' },
        { ns: 'urn:example:other', name: 'tag', attributes: {}, children: [], text: 'home & family' },
        { ns: 'urn:example:tags', name: 'empty', attributes: {}, children: [], text: '' },
      ],
    });
  });

  test('keeps whitespace-only text of an element without children', () => {
    expect(roundTrip('<x:a xmlns:x="urn:x">  </x:a>').text).toBe('  ');
  });
});

describe('errorBody', () => {
  test('writes the precondition with its content and the message in the SabreDAV namespace', () => {
    const error = preconditionFailed(NS.CALDAV, 'no-uid-conflict', 'Another event already has this UID.', {
      status: 409,
      content: { ns: NS.DAV, name: 'href', children: '/dav/calendars/ada/work/other.ics' },
    });
    expect(error.status).toBe(409);
    const body = errorBody(error);
    expect(body).toContain('<d:error xmlns:d="DAV:" xmlns:cal="urn:ietf:params:xml:ns:caldav" xmlns:s="http://sabredav.org/ns">');
    const root = parseXml(body);
    expect(root).toMatchObject({ ns: NS.DAV, name: 'error' });
    expect(root.children[0]).toMatchObject({ ns: NS.CALDAV, name: 'no-uid-conflict' });
    expect(root.children[0].children[0]).toMatchObject({ ns: NS.DAV, name: 'href', text: '/dav/calendars/ada/work/other.ics' });
    expect(root.children[1]).toMatchObject({ ns: SABRE_NS, name: 'message', text: 'Another event already has this UID.' });
  });

  test('without a precondition, only the message', () => {
    const root = parseXml(errorBody(new DavError(400, 'Bad & broken')));
    expect(root.children).toHaveLength(1);
    expect(root.children[0]).toMatchObject({ ns: SABRE_NS, name: 'message', text: 'Bad & broken' });
  });

  test('preconditionFailed answers 403 by default', () => {
    const error = preconditionFailed(NS.DAV, 'supported-report', 'nope');
    expect(error).toBeInstanceOf(DavError);
    expect(error).toMatchObject({ status: 403, precondition: { ns: NS.DAV, name: 'supported-report' }, message: 'nope' });
    expect(parseXml(errorBody(error)).children[0]).toMatchObject({ ns: NS.DAV, name: 'supported-report', children: [] });
  });
});

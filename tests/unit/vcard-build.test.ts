import {
  buildVCard,
  convertVCard,
  parseVCard,
  VCardError,
  type ContactFields,
  type ContactInput,
} from '../../server/src/vcard';
import {
  APPLE_ADA,
  APPLE_GROUP,
  DAVX5_GROUP,
  DAVX5_KATHERINE,
  EVOLUTION_ALAN,
  GOOGLE_GRACE,
  JPEG_BASE64,
  PNG_BASE64,
  THUNDERBIRD_ELODIE,
} from './vcard-fixtures';

const now = new Date('2026-03-01T12:00:00Z');
const later = new Date('2026-03-05T08:30:00Z');

/** Unfolded content lines. */
const contentLines = (text: string): string[] =>
  text
    .replace(/\r\n[ \t]/g, '')
    .split('\r\n')
    .filter((line) => line !== '');

/** The content lines of one property (its name with or without an item group, case-insensitive). */
const linesOf = (text: string, name: string): string[] =>
  contentLines(text).filter((line) => new RegExp(`^([\\w-]+\\.)?${name}[;:]`, 'i').test(line));

function expectWellFormed(text: string): void {
  expect(text.endsWith('\r\n')).toBe(true);
  expect(text.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
  for (const physical of text.split('\r\n')) expect(Buffer.byteLength(physical, 'utf8')).toBeLessThanOrEqual(75);
}

/** The contact as the CMS holds it after a client's PUT: its fields and UID. */
function stored(text: string): ContactInput {
  const parsed = parseVCard(text);
  return { ...parsed.fields, uid: parsed.uid };
}

const blank: ContactFields = {
  fullName: null,
  name: null,
  nickname: null,
  emails: null,
  phones: null,
  addresses: null,
  organization: null,
  title: null,
  role: null,
  birthday: null,
  anniversary: null,
  note: null,
  url: null,
  categories: null,
  photo: null,
  kind: 'individual',
  members: null,
};

const grace: ContactInput = {
  ...blank,
  uid: 'urn:uuid:6f1c2d3e-4b5a-4c6d-9e8f-0a1b2c3d4e5f',
  fullName: 'Grace Hopper',
  name: { family: 'Hopper', given: 'Grace', additional: 'Brewster Murray', prefix: 'Rear Admiral' },
  nickname: 'Amazing Grace',
  emails: [
    { type: 'work', value: 'grace@navy.example' },
    { type: 'Compiler lab', value: 'grace@cobol.example' },
  ],
  phones: [{ type: 'cell', value: '+1 202-555-0143' }, { value: '+1 202-555-0199' }],
  addresses: [
    { type: 'work', street: '1 Navy Yard', locality: 'Washington', region: 'DC', postalCode: '20374', country: 'USA' },
  ],
  organization: 'US Navy',
  title: 'Rear Admiral',
  role: 'Computer scientist',
  birthday: '1906-12-09',
  anniversary: '1930-06-15',
  note: 'Found the first bug; taped it, in the log book.\nSecond line.',
  url: 'https://example.com/grace?tab=bio,talks',
  categories: ['Navy', 'Computing'],
  photo: { uri: `data:image/jpeg;base64,${JPEG_BASE64}` },
};

describe('buildVCard: a new contact', () => {
  test('writes a complete vCard 3.0 that parses back to the same fields', () => {
    const text = buildVCard(grace, null, now);
    expectWellFormed(text);
    const lines = contentLines(text);
    expect(lines.slice(0, 5)).toEqual([
      'BEGIN:VCARD',
      'VERSION:3.0',
      'PRODID:-//Strapi CalDAV//EN',
      'UID:urn:uuid:6f1c2d3e-4b5a-4c6d-9e8f-0a1b2c3d4e5f',
      'FN:Grace Hopper',
    ]);
    expect(lines[lines.length - 1]).toBe('END:VCARD');
    expect(linesOf(text, 'N')).toEqual(['N:Hopper;Grace;Brewster Murray;Rear Admiral;']);
    expect(linesOf(text, 'REV')).toEqual(['REV:20260301T120000Z']);
    expect(linesOf(text, 'PHOTO')).toEqual([`PHOTO;ENCODING=b;TYPE=JPEG:${JPEG_BASE64}`]);
    expect(linesOf(text, 'X-ANNIVERSARY')).toEqual(['X-ANNIVERSARY:1930-06-15']);
    // A label that is no vCard type goes into an item group's X-ABLabel, as Apple writes it.
    expect(linesOf(text, 'EMAIL')).toEqual(['EMAIL;TYPE=WORK:grace@navy.example', 'item1.EMAIL:grace@cobol.example']);
    expect(linesOf(text, 'X-ABLABEL')).toEqual(['item1.X-ABLABEL:Compiler lab']);

    const parsed = parseVCard(text);
    expect(parsed.version).toBe('3.0');
    expect(parsed.uid).toBe(grace.uid);
    const { uid: _uid, ...fields } = grace;
    expect(parsed.fields).toEqual(fields);
  });

  test('derives N from FN (3.0 requires it), and FN from N when there is no full name', () => {
    expect(linesOf(buildVCard({ ...blank, uid: 'a', fullName: 'Ada King Lovelace' }, null, now), 'N')).toEqual([
      'N:Lovelace;Ada King;;;',
    ]);
    const fromName = buildVCard({ ...blank, uid: 'b', name: { given: 'Alan', family: 'Turing' } }, null, now);
    expect(linesOf(fromName, 'FN')).toEqual(['FN:Alan Turing']);
    expect(parseVCard(fromName).fields.fullName).toBe('Alan Turing');
  });

  test('a group: X-ADDRESSBOOKSERVER-KIND and -MEMBER, as Apple Contacts reads groups', () => {
    const text = buildVCard(
      {
        ...blank,
        uid: 'group-1',
        fullName: 'Compiler Team',
        kind: 'group',
        members: ['urn:uuid:aaaa', 'urn:uuid:bbbb'],
      },
      null,
      now,
    );
    expect(linesOf(text, 'X-ADDRESSBOOKSERVER-KIND')).toEqual(['X-ADDRESSBOOKSERVER-KIND:group']);
    expect(linesOf(text, 'X-ADDRESSBOOKSERVER-MEMBER')).toEqual([
      'X-ADDRESSBOOKSERVER-MEMBER:urn:uuid:aaaa',
      'X-ADDRESSBOOKSERVER-MEMBER:urn:uuid:bbbb',
    ]);
    expect(linesOf(text, 'N')).toEqual(['N:Compiler Team;;;;']);
    const { fields } = parseVCard(text);
    expect(fields.kind).toBe('group');
    expect(fields.members).toEqual(['urn:uuid:aaaa', 'urn:uuid:bbbb']);
  });

  test('a photo URL is written as VALUE=uri', () => {
    const text = buildVCard(
      { ...blank, uid: 'c', fullName: 'Ada', photo: { uri: 'https://cms.example/uploads/ada.jpg' } },
      null,
      now,
    );
    expect(linesOf(text, 'PHOTO')).toEqual(['PHOTO;VALUE=URI:https://cms.example/uploads/ada.jpg']);
    expect(parseVCard(text).fields.photo).toEqual({ uri: 'https://cms.example/uploads/ada.jpg' });
  });

  test('refuses what cannot be written: no UID, a birthday that is no date', () => {
    expect(() => buildVCard({ ...blank, uid: ' ', fullName: 'Ada' }, null, now)).toThrow(VCardError);
    expect(() => buildVCard({ ...blank, uid: 'd', fullName: 'Ada', birthday: 'December 10th' }, null, now)).toThrow(
      /not a date/,
    );
  });
});

describe('buildVCard: editing a client’s vCard', () => {
  test('an edit that changes nothing returns the previous text byte for byte', () => {
    for (const text of [
      APPLE_ADA,
      APPLE_GROUP,
      GOOGLE_GRACE,
      DAVX5_KATHERINE,
      DAVX5_GROUP,
      THUNDERBIRD_ELODIE,
      EVOLUTION_ALAN,
    ]) {
      expect(buildVCard(stored(text), text, later)).toBe(text);
    }
  });

  test('empty strings and lists from the CMS mean the same as null', () => {
    const input: ContactInput = {
      ...stored(GOOGLE_GRACE),
      nickname: '',
      role: '',
      anniversary: '',
      photo: null,
      members: [],
    };
    expect(buildVCard(input, GOOGLE_GRACE, later)).toBe(GOOGLE_GRACE);
  });

  test('Apple 3.0: one changed field rewrites that property and REV; every other property stays as it was', () => {
    const text = buildVCard({ ...stored(APPLE_ADA), title: 'Countess and mathematician' }, APPLE_ADA, later);
    expectWellFormed(text);
    expect(linesOf(text, 'TITLE')).toEqual(['TITLE:Countess and mathematician']);
    expect(linesOf(text, 'REV')).toEqual(['REV:20260305T083000Z']);
    const changed = new Set(['TITLE', 'REV']);
    const otherLines = (source: string) =>
      contentLines(source).filter(
        (line) =>
          !changed.has(
            line
              .split(/[;:]/)[0]
              .replace(/^[\w-]+\./, '')
              .toUpperCase(),
          ),
      );
    // Same properties, parameters, groups and values; ical.js normalises only the spelling (TYPE=A,B, BDAY basic).
    expect(parseVCard(text).fields).toEqual({ ...parseVCard(APPLE_ADA).fields, title: 'Countess and mathematician' });
    expect(otherLines(text).length).toBe(otherLines(APPLE_ADA).length);
    expect(linesOf(text, 'X-SOCIALPROFILE')).toEqual([
      'X-SOCIALPROFILE;TYPE=twitter;X-USER=ada:http://twitter.com/ada',
    ]);
    expect(linesOf(text, 'X-ABADR')).toEqual(['item4.X-ABADR:gb']);
    expect(linesOf(text, 'EMAIL')).toEqual([
      'item1.EMAIL;TYPE=INTERNET,pref:ada@example.com',
      'item2.EMAIL;TYPE=INTERNET:ada@lab.example',
      'EMAIL;TYPE=INTERNET,WORK:ada.lovelace@work.example',
    ]);
    expect(linesOf(text, 'PHOTO')).toEqual([`PHOTO;ENCODING=b;TYPE=JPEG:${JPEG_BASE64}`]);
    expect(linesOf(text, 'PRODID')).toEqual(['PRODID:-//Apple Inc.//iPhone OS 17.2//EN']);
  });

  test('a changed email list keeps the entries whose address is unchanged, with their groups and labels', () => {
    const before = stored(APPLE_ADA);
    const text = buildVCard(
      {
        ...before,
        emails: [
          { type: 'other', value: 'ada@example.com' }, // unchanged: item1 with its label stays
          { type: 'home', value: 'ada@lab.example' }, // retyped: the custom label gives way to TYPE=HOME
          { type: 'Engine room', value: 'ada@engine.example' }, // new, with a custom label
        ],
      },
      APPLE_ADA,
      later,
    );
    expect(linesOf(text, 'EMAIL')).toEqual([
      'item1.EMAIL;TYPE=INTERNET,pref:ada@example.com',
      'item2.EMAIL;TYPE=HOME,INTERNET:ada@lab.example',
      'item6.EMAIL:ada@engine.example',
    ]);
    // Each label stays next to its entry; the retyped entry's label is gone.
    expect(contentLines(text).filter((line) => /^item[126]\./.test(line))).toEqual([
      'item1.EMAIL;TYPE=INTERNET,pref:ada@example.com',
      'item1.X-ABLABEL:_$!<Other>!$_',
      'item2.EMAIL;TYPE=HOME,INTERNET:ada@lab.example',
      'item6.EMAIL:ada@engine.example',
      'item6.X-ABLABEL:Engine room',
    ]);
    expect(parseVCard(text).fields.emails).toEqual([
      { type: 'other', value: 'ada@example.com' },
      { type: 'home', value: 'ada@lab.example' },
      { type: 'Engine room', value: 'ada@engine.example' },
    ]);
    // Unrelated lists are untouched.
    expect(linesOf(text, 'TEL')).toEqual(linesOf(buildVCard({ ...before, title: 'x' }, APPLE_ADA, later), 'TEL'));
  });

  test('removing an item-grouped entry removes its label and other item properties', () => {
    const before = stored(APPLE_ADA);
    const text = buildVCard(
      { ...before, addresses: null, phones: before.phones?.slice(0, 2) ?? null },
      APPLE_ADA,
      later,
    );
    expect(linesOf(text, 'ADR')).toEqual([]);
    expect(linesOf(text, 'X-ABADR')).toEqual([]);
    expect(linesOf(text, 'TEL')).toHaveLength(2);
    expect(linesOf(text, 'X-ABLABEL').some((line) => line.includes('Workshop'))).toBe(false);
    expect(parseVCard(text).fields.phones).toEqual(before.phones?.slice(0, 2));
  });

  test('an organization edit keeps the units that still end it', () => {
    const text = buildVCard(
      { ...stored(DAVX5_KATHERINE), organization: 'NASA Langley, Flight Research Division' },
      DAVX5_KATHERINE,
      later,
    );
    expect(linesOf(text, 'ORG')).toEqual(['ORG:NASA Langley;Flight Research Division']);
    const replaced = buildVCard({ ...stored(DAVX5_KATHERINE), organization: 'NACA' }, DAVX5_KATHERINE, later);
    expect(linesOf(replaced, 'ORG')).toEqual(['ORG:NACA']);
  });

  test('N keeps a component that is a list (King,Augusta) when another component changes', () => {
    const before = stored(APPLE_ADA);
    const text = buildVCard({ ...before, name: { ...before.name, family: 'King' } }, APPLE_ADA, later);
    expect(linesOf(text, 'N')).toEqual(['N:King;Ada;King,Augusta;Countess of;']);
  });

  test('Thunderbird 4.0: stays 4.0, a new number is TEL;VALUE=TEXT, REV a 4.0 timestamp, PHOTO untouched', () => {
    const before = stored(THUNDERBIRD_ELODIE);
    const text = buildVCard(
      {
        ...before,
        phones: [{ type: 'cell', value: '+33 6 98 76 54 32' }, ...(before.phones?.slice(1) ?? [])],
        anniversary: '2015-09-12',
      },
      THUNDERBIRD_ELODIE,
      later,
    );
    expectWellFormed(text);
    const lines = contentLines(text);
    expect(lines[1]).toBe('VERSION:4.0');
    expect(linesOf(text, 'TEL')).toEqual([
      'TEL;TYPE=cell;VALUE=TEXT:+33 6 98 76 54 32',
      'TEL;TYPE=work;VALUE=TEXT:+33 1 23 45 67 89',
    ]);
    expect(linesOf(text, 'ANNIVERSARY')).toEqual(['ANNIVERSARY:20150912']);
    expect(linesOf(text, 'REV')).toEqual(['REV:20260305T083000Z']);
    expect(linesOf(text, 'PHOTO')).toEqual([`PHOTO;VALUE=URL:data:image/png;base64,${PNG_BASE64}`]);
    expect(linesOf(text, 'EMAIL')).toEqual([
      'EMAIL;PREF=1:elodie@example.fr',
      'EMAIL;TYPE=work:e.dupont@bureau.example',
    ]);
    const { uid: _uid, ...fields } = {
      ...before,
      phones: [{ type: 'cell', value: '+33 6 98 76 54 32' }, ...(before.phones?.slice(1) ?? [])],
      anniversary: '2015-09-12',
    };
    expect(parseVCard(text).fields).toEqual(fields);
  });

  test('4.0 round trip of every field: what the editor set is what parses back', () => {
    const input: ContactInput = { ...grace, uid: stored(DAVX5_KATHERINE).uid };
    const text = buildVCard(input, DAVX5_KATHERINE, later);
    expectWellFormed(text);
    const parsed = parseVCard(text);
    expect(parsed.version).toBe('4.0');
    const { uid: _uid, ...fields } = input;
    expect(parsed.fields).toEqual(fields);
    // 4.0 writes 4.0 properties: a data: URI with its comma as is, ANNIVERSARY, a URL with a comma unescaped.
    expect(linesOf(text, 'PHOTO')).toEqual([`PHOTO:data:image/jpeg;base64,${JPEG_BASE64}`]);
    expect(linesOf(text, 'ANNIVERSARY')).toEqual(['ANNIVERSARY:19300615']);
    expect(linesOf(text, 'URL')).toEqual(['URL:https://example.com/grace?tab=bio,talks']);
    // What DAVx5 put there and the editor did not touch.
    expect(linesOf(text, 'X-PHONETIC-FIRST-NAME')).toEqual(['X-PHONETIC-FIRST-NAME:Kath']);
    expect(linesOf(text, 'PRODID')).toEqual(['PRODID:+//IDN bitfire.at//DAVx5/4.3.13-ose ez-vcard/0.11.3']);
    // And a second save of the same fields changes nothing.
    expect(buildVCard(input, text, new Date('2026-04-01T00:00:00Z'))).toBe(text);
  });

  test('3.0 round trip of every field', () => {
    const input: ContactInput = { ...grace, uid: stored(EVOLUTION_ALAN).uid };
    const text = buildVCard(input, EVOLUTION_ALAN, later);
    const { uid: _uid, ...fields } = input;
    expect(parseVCard(text).fields).toEqual(fields);
    expect(linesOf(text, 'X-EVOLUTION-FILE-AS')).toEqual(['X-EVOLUTION-FILE-AS:Turing\\, Alan']);
    expect(linesOf(text, 'LABEL')).toEqual(['LABEL;TYPE=WORK:Bletchley Park\\nMilton Keynes MK3 6EB\\nUnited Kingdom']);
    expect(buildVCard(input, text, new Date('2026-04-01T00:00:00Z'))).toBe(text);
  });

  test('REV is updated on every change, and added when the vCard had none', () => {
    const first = buildVCard({ ...stored(GOOGLE_GRACE), note: 'Coined "debugging".' }, GOOGLE_GRACE, now);
    expect(linesOf(first, 'REV')).toEqual(['REV:20260301T120000Z']);
    const second = buildVCard({ ...stored(first), note: 'Coined "bug".' }, first, later);
    expect(linesOf(second, 'REV')).toEqual(['REV:20260305T083000Z']);
  });

  test('groups: a member removed, a member added, the group made an individual', () => {
    const before = stored(APPLE_GROUP);
    const members = buildVCard(
      { ...before, members: ['urn:uuid:7C9E6679-7425-40DE-944B-E07FC1F90AE7', 'urn:uuid:new'] },
      APPLE_GROUP,
      later,
    );
    expect(linesOf(members, 'X-ADDRESSBOOKSERVER-MEMBER')).toEqual([
      'X-ADDRESSBOOKSERVER-MEMBER:urn:uuid:7C9E6679-7425-40DE-944B-E07FC1F90AE7',
      'X-ADDRESSBOOKSERVER-MEMBER:urn:uuid:new',
    ]);
    const individual = buildVCard({ ...before, kind: 'individual', members: null }, APPLE_GROUP, later);
    expect(linesOf(individual, 'X-ADDRESSBOOKSERVER-KIND')).toEqual([]);
    expect(linesOf(individual, 'X-ADDRESSBOOKSERVER-MEMBER')).toEqual([]);

    const davx5 = buildVCard(
      { ...stored(DAVX5_GROUP), members: ['urn:uuid:0a3ee4e8-8f4b-4b8e-bb1c-3f5a9d0e0b51'] },
      DAVX5_GROUP,
      later,
    );
    expect(linesOf(davx5, 'MEMBER')).toEqual(['MEMBER:urn:uuid:0a3ee4e8-8f4b-4b8e-bb1c-3f5a9d0e0b51']);
    expect(linesOf(davx5, 'KIND')).toEqual(['KIND:group']);
  });

  test('clearing a field removes its property; a new UID replaces the old one', () => {
    const text = buildVCard(
      { ...stored(APPLE_ADA), uid: 'ada-2', note: null, categories: null, photo: null, birthday: null },
      APPLE_ADA,
      later,
    );
    for (const name of ['NOTE', 'CATEGORIES', 'PHOTO', 'BDAY']) expect(linesOf(text, name)).toEqual([]);
    expect(linesOf(text, 'UID')).toEqual(['UID:ada-2']);
  });

  test('a 4.0 vCard whose VERSION is not first keeps 4.0 value types when rewritten', () => {
    // ical.js reads it with its 3.0 rules (PHOTO binary, REV date-time), which would write PHOTO;VALUE=BINARY.
    const reordered = DAVX5_KATHERINE.replace('VERSION:4.0\r\n', '')
      .replace('NOTE:', `PHOTO:data:image/png;base64,${PNG_BASE64}\r\nNOTE:`)
      .replace('END:VCARD', 'VERSION:4.0\r\nEND:VCARD');
    const text = buildVCard({ ...stored(reordered), title: 'Mathematician' }, reordered, later);
    expect(contentLines(text)[1]).toBe('VERSION:4.0');
    expect(linesOf(text, 'PHOTO')).toEqual([`PHOTO:data:image/png;base64,${PNG_BASE64}`]);
    expect(linesOf(text, 'REV')).toEqual(['REV:20260305T083000Z']);
    expect(linesOf(text, 'TEL')).toEqual(['TEL;TYPE=cell:+1 757-555-0187', 'TEL;TYPE=work,voice:+1 757-555-0100']);
    expect(parseVCard(text).fields).toEqual({
      ...parseVCard(DAVX5_KATHERINE).fields,
      title: 'Mathematician',
      photo: { uri: `data:image/png;base64,${PNG_BASE64}` },
    });
  });

  test('an Apple birthday without a year stays as it is when another field changes', () => {
    const yearless = APPLE_ADA.replace(
      'BDAY;value=date:1815-12-10',
      'BDAY;X-APPLE-OMIT-YEAR=1604;value=date:1604-12-10',
    );
    const text = buildVCard({ ...stored(yearless), title: 'Countess' }, yearless, later);
    expect(linesOf(text, 'BDAY')).toEqual(['BDAY;X-APPLE-OMIT-YEAR=1604;VALUE=DATE:16041210']);
    const dated = buildVCard({ ...stored(yearless), birthday: '1815-12-10' }, yearless, later);
    expect(linesOf(dated, 'BDAY')).toEqual(['BDAY;VALUE=DATE:18151210']);
  });

  test('a single-component structured value keeps its escaped semicolon when another property changes', () => {
    const acme = THUNDERBIRD_ELODIE.replace('NICKNAME:Lolo', 'ORG:Dupont\\; Fils');
    expect(parseVCard(acme).fields.organization).toBe('Dupont; Fils');
    const text = buildVCard({ ...stored(acme), title: 'Gérante' }, acme, later);
    expect(linesOf(text, 'ORG')).toEqual(['ORG:Dupont\\; Fils']);
  });
});

describe('buildVCard: every kind of edit on every client’s vCard, in both versions', () => {
  const clients = {
    APPLE_ADA,
    APPLE_GROUP,
    GOOGLE_GRACE,
    DAVX5_KATHERINE,
    DAVX5_GROUP,
    THUNDERBIRD_ELODIE,
    EVOLUTION_ALAN,
  };
  const edits: Partial<ContactFields>[] = [
    { fullName: 'Ada Byron' },
    { name: { family: 'Byron', given: 'Ada', suffix: 'Jr.' } },
    {
      emails: [
        { type: 'Custom label', value: 'a@b.example' },
        { value: 'c@d.example' },
        { type: 'home', value: 'e@f.example' },
      ],
    },
    {
      phones: [
        { type: 'fax', value: '+1 (555) 010-0000' },
        { type: 'main', value: '+1 555 0101' },
      ],
    },
    {
      addresses: [{ type: 'other', street: 'Rue A; Bâtiment B, 3e', locality: 'Lyon', country: 'France' }],
      organization: 'Foo; Bar, Inc.',
    },
    { kind: 'group', members: ['urn:uuid:1', 'urn:uuid:2'] },
    { kind: 'org', members: null, photo: { uri: 'https://cms.example/uploads/logo,v2.png' } },
    { note: 'a, b; c\\d\ne', categories: ['a,b', 'c'], nickname: 'Nick, Name', url: 'https://x.example/?a=1,2;3' },
    { birthday: '2000-02-29', anniversary: '2001-01-01', title: 'Title', role: 'Role' },
    { birthday: null, anniversary: null, emails: null, phones: null, addresses: null, photo: null, note: null },
  ];
  for (const [client, original] of Object.entries(clients)) {
    test(client, () => {
      for (const previous of [convertVCard(original, '3.0'), convertVCard(original, '4.0')]) {
        const before = stored(previous);
        for (const edit of edits) {
          const input: ContactInput = { ...before, ...edit };
          const text = buildVCard(input, previous, later);
          expectWellFormed(text);
          const parsed = parseVCard(text);
          expect(parsed.version).toBe(parseVCard(previous).version);
          const { uid: _uid, ...expected } = input;
          // vCard 3.0 requires N: without a name, one derived from FN may stand in.
          if (parsed.version === '3.0' && input.name === null) expected.name = parsed.fields.name;
          expect(parsed.fields).toEqual(expected);
          // Saved again unchanged: byte for byte the same; converted: the same fields.
          expect(buildVCard(input, text, new Date('2027-01-01T00:00:00Z'))).toBe(text);
          expect(parseVCard(convertVCard(text, parsed.version === '3.0' ? '4.0' : '3.0')).fields).toEqual(
            parsed.fields,
          );
        }
      }
    });
  }
});

import { parseVCard, VCardError, type ContactFields } from '../../server/src/vcard';
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
  VCARD_21,
  vcf,
} from './vcard-fixtures';

/** The text without its lines matching `pattern` (which must exist, so that the test tests something). */
function without(text: string, pattern: RegExp): string {
  const lines = text.split('\r\n');
  expect(lines.some((line) => pattern.test(line))).toBe(true);
  return lines.filter((line) => !pattern.test(line)).join('\r\n');
}

function failure(text: string): VCardError {
  try {
    parseVCard(text);
  } catch (error) {
    expect(error).toBeInstanceOf(VCardError);
    return error as VCardError;
  }
  throw new Error('expected parseVCard to fail');
}

const minimal = (...lines: string[]) => vcf('BEGIN:VCARD', ...lines, 'END:VCARD');

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

describe('parseVCard: validation', () => {
  test('every fixture is valid as its client wrote it', () => {
    for (const text of [
      APPLE_ADA,
      APPLE_GROUP,
      GOOGLE_GRACE,
      DAVX5_KATHERINE,
      DAVX5_GROUP,
      THUNDERBIRD_ELODIE,
      EVOLUTION_ALAN,
    ]) {
      expect(() => parseVCard(text)).not.toThrow();
    }
  });

  test('tolerates a byte order mark and LF-only line endings (folded lines too)', () => {
    const expected = parseVCard(APPLE_ADA);
    expect(parseVCard('\uFEFF' + APPLE_ADA)).toEqual(expected);
    expect(parseVCard(APPLE_ADA.replace(/\r\n/g, '\n'))).toEqual(expected);
    expect(parseVCard(THUNDERBIRD_ELODIE.replace(/\r\n/g, '\n')).fields.photo).toEqual(
      parseVCard(THUNDERBIRD_ELODIE).fields.photo,
    );
  });

  test('two vCards in one resource: valid-address-data, although each is valid alone', () => {
    const error = failure(APPLE_ADA + APPLE_GROUP);
    expect(error.precondition).toBe('valid-address-data');
    expect(error.message).toMatch(/exactly one vCard/);
  });

  test('no vCard at all: valid-address-data', () => {
    expect(failure('').precondition).toBe('valid-address-data');
    expect(failure('\r\n  \r\n').message).toMatch(/empty/);
    const calendar = failure(vcf('BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Example//EN', 'END:VCALENDAR'));
    expect(calendar.precondition).toBe('valid-address-data');
    expect(calendar.message).toMatch(/VCALENDAR, not a VCARD/);
  });

  test('vCard 2.1: supported-address-data, whether or not ical.js can read its syntax', () => {
    const unreadable = failure(VCARD_21);
    expect(unreadable.precondition).toBe('supported-address-data');
    expect(unreadable.message).toMatch(/2\.1 is not supported/);
    const readable = failure(minimal('VERSION:2.1', 'FN:Ada Lovelace', 'UID:2f0e5c9a-0002'));
    expect(readable.precondition).toBe('supported-address-data');
  });

  test('no VERSION: supported-address-data', () => {
    const error = failure(without(APPLE_ADA, /^VERSION:/));
    expect(error.precondition).toBe('supported-address-data');
    expect(error.message).toMatch(/no VERSION/);
  });

  test('FN is required: valid-address-data', () => {
    const error = failure(without(THUNDERBIRD_ELODIE, /^FN:/));
    expect(error.precondition).toBe('valid-address-data');
    expect(error.message).toMatch(/no FN/);
  });

  test('N is not required, even in 3.0 (many clients leave it out)', () => {
    expect(parseVCard(without(APPLE_ADA, /^N:/)).fields.name).toBeNull();
  });

  test('UID is required and must not be empty: valid-address-data', () => {
    const missing = failure(without(GOOGLE_GRACE, /^UID:/));
    expect(missing.precondition).toBe('valid-address-data');
    expect(missing.message).toMatch(/no UID/);
    const empty = failure(GOOGLE_GRACE.replace('UID:4c0ff9bd8b3f1a2e', 'UID:'));
    expect(empty.precondition).toBe('valid-address-data');
  });

  test('a UID is any non-empty text', () => {
    expect(parseVCard(GOOGLE_GRACE).uid).toBe('4c0ff9bd8b3f1a2e');
    expect(parseVCard(EVOLUTION_ALAN).uid).toBe('pas-id-5F3C2A1B00000001');
    expect(parseVCard(minimal('VERSION:4.0', 'FN:Ada', 'UID:urn:uuid:4fbe8971-0bc3-424c-9c26-36c3e1eff6b1')).uid).toBe(
      'urn:uuid:4fbe8971-0bc3-424c-9c26-36c3e1eff6b1',
    );
  });

  test('text that is not vCard syntax: valid-address-data', () => {
    const unterminated = failure(vcf('BEGIN:VCARD', 'VERSION:3.0', 'FN:Ada Lovelace', 'UID:1'));
    expect(unterminated.precondition).toBe('valid-address-data');
    expect(unterminated.message).toMatch(/not a valid vCard/);
    const garbage = failure(GOOGLE_GRACE.replace('TITLE:Rear Admiral', 'Rear Admiral'));
    expect(garbage.precondition).toBe('valid-address-data');
    const nested = failure(
      minimal('VERSION:3.0', 'FN:Ada', 'UID:1', 'BEGIN:VCARD', 'VERSION:3.0', 'FN:Agent', 'END:VCARD'),
    );
    expect(nested.message).toMatch(/cannot contain other components/);
  });

  test('a 4.0 vCard is read with the 4.0 rules even when VERSION is not its first property', () => {
    const reordered = THUNDERBIRD_ELODIE.replace('VERSION:4.0\r\n', '').replace(
      'END:VCARD',
      'VERSION:4.0\r\nEND:VCARD',
    );
    const parsed = parseVCard(reordered);
    expect(parsed.version).toBe('4.0');
    expect(parsed.fields).toEqual(parseVCard(THUNDERBIRD_ELODIE).fields);
  });
});

describe('parseVCard: fields', () => {
  test('Apple Contacts 3.0: item groups with standard and custom labels, inline JPEG, X-ANNIVERSARY', () => {
    expect(parseVCard(APPLE_ADA)).toEqual({
      uid: '3F2504E0-4F89-11D3-9A0C-0305E82C3301',
      version: '3.0',
      fields: {
        fullName: 'Ada Lovelace',
        name: { family: 'Lovelace', given: 'Ada', additional: 'King,Augusta', prefix: 'Countess of' },
        nickname: 'Ada',
        emails: [
          // TYPE=INTERNET,pref says nothing of the kind of address: Apple's label does.
          { type: 'other', value: 'ada@example.com' },
          { type: 'Lab', value: 'ada@lab.example' },
          { type: 'work', value: 'ada.lovelace@work.example' },
        ],
        phones: [
          { type: 'cell', value: '+44 20 7946 0958' },
          { type: 'home', value: '+44 20 7946 0000' },
          { type: 'Workshop', value: '+44 20 7946 0999' },
        ],
        addresses: [
          {
            type: 'home',
            street: "12 St James's Square",
            locality: 'London',
            postalCode: 'SW1Y 4JH',
            country: 'United Kingdom',
          },
        ],
        organization: 'Analytical Engines Ltd, Research',
        title: 'Mathematician',
        role: null,
        birthday: '1815-12-10',
        anniversary: '1835-07-08',
        note: 'Wrote the first algorithm, for the Analytical Engine.\nBorn in London.',
        url: 'https://example.com/ada',
        categories: ['Family', 'Friends'],
        photo: { uri: `data:image/jpeg;base64,${JPEG_BASE64}` },
        kind: 'individual',
        members: null,
      },
    });
  });

  test('Apple Contacts group (3.0): X-ADDRESSBOOKSERVER-KIND and -MEMBER', () => {
    const { fields } = parseVCard(APPLE_GROUP);
    expect(fields.kind).toBe('group');
    expect(fields.fullName).toBe('Analytical Society');
    expect(fields.members).toEqual([
      'urn:uuid:3F2504E0-4F89-11D3-9A0C-0305E82C3301',
      'urn:uuid:7C9E6679-7425-40DE-944B-E07FC1F90AE7',
    ]);
  });

  test('DAVx5 group (4.0): KIND and MEMBER', () => {
    const { fields, version } = parseVCard(DAVX5_GROUP);
    expect(version).toBe('4.0');
    expect(fields).toEqual({
      ...blank,
      fullName: 'Flight Research',
      kind: 'group',
      members: ['urn:uuid:0a3ee4e8-8f4b-4b8e-bb1c-3f5a9d0e0b51', 'urn:uuid:9b2c7d4e-1f3a-4b5c-8d6e-7f8091a2b3c4'],
    });
  });

  test('Google 3.0: a plain UID, an escaped colon in a URL, CATEGORIES with spaces', () => {
    const { fields } = parseVCard(GOOGLE_GRACE);
    expect(fields.url).toBe('http://www.example.com/grace');
    expect(fields.categories).toEqual(['myContacts', 'Starred in Android']);
    expect(fields.emails).toEqual([
      { type: 'work', value: 'grace@navy.example' },
      { type: 'home', value: 'grace@home.example' },
    ]);
    expect(fields.name).toEqual({
      family: 'Hopper',
      given: 'Grace',
      additional: 'Brewster Murray',
      prefix: 'Rear Admiral',
    });
    expect(fields.addresses).toEqual([
      {
        type: 'work',
        street: '1 Navy Yard',
        locality: 'Washington',
        region: 'DC',
        postalCode: '20374',
        country: 'USA',
      },
    ]);
  });

  test('DAVx5 4.0: a custom label in 4.0, ORG with a unit, a partial ANNIVERSARY, TYPE=work,voice', () => {
    const { fields } = parseVCard(DAVX5_KATHERINE);
    expect(fields.emails).toEqual([
      { type: 'work', value: 'katherine@nasa.example' },
      { type: 'Orbit', value: 'kj@orbit.example' },
    ]);
    expect(fields.phones).toEqual([
      { type: 'cell', value: '+1 757-555-0187' },
      { type: 'work', value: '+1 757-555-0100' },
    ]);
    expect(fields.organization).toBe('NASA, Flight Research Division');
    expect(fields.nickname).toBe('Katie');
    expect(fields.birthday).toBe('1918-08-26');
    expect(fields.anniversary).toBeNull(); // --0826 has no year
    expect(fields.note).toBe('Calculated trajectories, by hand.');
  });

  test('Thunderbird 4.0: PREF=1 without a type, TEL;VALUE=TEXT, PHOTO;VALUE=URL data: URI, non-ASCII text', () => {
    const { fields } = parseVCard(THUNDERBIRD_ELODIE);
    expect(fields.fullName).toBe('Élodie Dupont');
    expect(fields.emails).toEqual([{ value: 'elodie@example.fr' }, { type: 'work', value: 'e.dupont@bureau.example' }]);
    expect(fields.phones).toEqual([
      { type: 'cell', value: '+33 6 12 34 56 78' },
      { type: 'work', value: '+33 1 23 45 67 89' },
    ]);
    expect(fields.birthday).toBe('1990-05-21');
    expect(fields.photo).toEqual({ uri: `data:image/png;base64,${PNG_BASE64}` });
    expect(fields.note).toBe('Préfère le café, pas le thé.');
  });

  test('Evolution 3.0: inline PNG typed image/png, ROLE, X-EVOLUTION- parameters ignored', () => {
    const { fields } = parseVCard(EVOLUTION_ALAN);
    expect(fields.photo).toEqual({ uri: `data:image/png;base64,${PNG_BASE64}` });
    expect(fields.role).toBe('Cryptanalyst');
    expect(fields.title).toBe('Reader');
    expect(fields.emails).toEqual([{ type: 'work', value: 'alan@bletchley.example' }]);
    expect(fields.phones).toEqual([{ type: 'cell', value: '+44 1908 640404' }]);
    expect(fields.birthday).toBe('1912-06-23');
  });

  test('birthdays: full dates in every format, partial dates and text as null', () => {
    const birthday = (version: string, line: string) =>
      parseVCard(minimal(`VERSION:${version}`, 'FN:Ada', 'UID:1', line)).fields.birthday;
    expect(birthday('3.0', 'BDAY:1815-12-10')).toBe('1815-12-10');
    expect(birthday('3.0', 'BDAY:18151210')).toBe('1815-12-10');
    expect(birthday('3.0', 'BDAY:1815-12-10T00:00:00Z')).toBe('1815-12-10');
    expect(birthday('4.0', 'BDAY:18151210')).toBe('1815-12-10');
    expect(birthday('4.0', 'BDAY:18151210T120000Z')).toBe('1815-12-10');
    expect(birthday('4.0', 'BDAY:--1210')).toBeNull();
    expect(birthday('4.0', 'BDAY:1815')).toBeNull();
    expect(birthday('4.0', 'BDAY;VALUE=text:circa 1815')).toBeNull();
    expect(birthday('3.0', 'BDAY:--12-10')).toBeNull();
    expect(birthday('3.0', 'BDAY;X-APPLE-OMIT-YEAR=1604;VALUE=date:1604-12-10')).toBeNull();
    expect(birthday('3.0', 'BDAY:1815-02-30')).toBeNull();
  });

  test('kinds: 4.0 KIND, Apple X-ADDRESSBOOKSERVER-KIND, unknown kinds as individual', () => {
    const kind = (version: string, line: string) =>
      parseVCard(minimal(`VERSION:${version}`, 'FN:Acme', 'UID:1', line)).fields.kind;
    expect(kind('4.0', 'KIND:org')).toBe('org');
    expect(kind('4.0', 'KIND:location')).toBe('location');
    expect(kind('4.0', 'KIND:x-application')).toBe('individual');
    expect(kind('3.0', 'X-ADDRESSBOOKSERVER-KIND:GROUP')).toBe('group');
    expect(kind('3.0', 'NOTE:no kind')).toBe('individual');
  });

  test('photos: a 3.0 URI, 3.0 inline data without TYPE (recognised by its bytes), a 4.0 URL', () => {
    const photo = (version: string, ...lines: string[]) =>
      parseVCard(minimal(`VERSION:${version}`, 'FN:Ada', 'UID:1', ...lines)).fields.photo;
    expect(photo('3.0', 'PHOTO;VALUE=uri:https://example.com/ada.jpg')).toEqual({ uri: 'https://example.com/ada.jpg' });
    expect(photo('3.0', `PHOTO;ENCODING=BASE64:${JPEG_BASE64}`)).toEqual({
      uri: `data:image/jpeg;base64,${JPEG_BASE64}`,
    });
    expect(photo('4.0', 'PHOTO;MEDIATYPE=image/jpeg:https://example.com/ada.jpg')).toEqual({
      uri: 'https://example.com/ada.jpg',
    });
  });

  test('repeated TYPE parameters and 4.0 tel: URIs', () => {
    const { fields } = parseVCard(
      minimal(
        'VERSION:4.0',
        'FN:Ada',
        'UID:1',
        'TEL;TYPE=fax;TYPE=work,voice:+44 20 7946 0001',
        'TEL;VALUE=uri;TYPE="voice,home":tel:+44-20-7946-0002',
      ),
    );
    expect(fields.phones).toEqual([
      { type: 'fax', value: '+44 20 7946 0001' },
      { type: 'home', value: '+44-20-7946-0002' },
    ]);
  });

  test('empty values are null, never empty strings or lists', () => {
    const { fields } = parseVCard(
      minimal('VERSION:3.0', 'FN:', 'N:;;;;', 'UID:1', 'ORG:;', 'NOTE:', 'CATEGORIES:', 'EMAIL:'),
    );
    expect(fields).toEqual(blank);
  });
});

import { convertVCard, parseVCard, renderAddressData } from '../../server/src/vcard';
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
  vcf,
} from './vcard-fixtures';

const contentLines = (text: string): string[] =>
  text
    .replace(/\r\n[ \t]/g, '')
    .split('\r\n')
    .filter((line) => line !== '');

const linesOf = (text: string, name: string): string[] =>
  contentLines(text).filter((line) => new RegExp(`^([\\w-]+\\.)?${name}[;:]`, 'i').test(line));

/** Property names (with item groups) in order, upper-case. */
const names = (text: string): string[] => contentLines(text).map((line) => line.split(/[;:]/)[0].toUpperCase());

function expectWellFormed(text: string): void {
  expect(text.endsWith('\r\n')).toBe(true);
  for (const physical of text.split('\r\n')) expect(Buffer.byteLength(physical, 'utf8')).toBeLessThanOrEqual(75);
}

describe('convertVCard', () => {
  test('returns the text itself when it is already in that version', () => {
    expect(convertVCard(APPLE_ADA, '3.0')).toBe(APPLE_ADA);
    expect(convertVCard(THUNDERBIRD_ELODIE, '4.0')).toBe(THUNDERBIRD_ELODIE);
  });

  test('every fixture converts both ways and back with the same fields', () => {
    for (const text of [
      APPLE_ADA,
      APPLE_GROUP,
      GOOGLE_GRACE,
      DAVX5_KATHERINE,
      DAVX5_GROUP,
      THUNDERBIRD_ELODIE,
      EVOLUTION_ALAN,
    ]) {
      const original = parseVCard(text);
      const other = original.version === '3.0' ? '4.0' : '3.0';
      const converted = convertVCard(text, other);
      expectWellFormed(converted);
      expect(parseVCard(converted)).toEqual({ ...original, version: other });
      expect(parseVCard(convertVCard(converted, original.version))).toEqual(original);
    }
  });

  test('Apple 3.0 to 4.0: TYPE in lower case without INTERNET and VOICE, pref as PREF=1, item groups and X- kept', () => {
    const text = convertVCard(APPLE_ADA, '4.0');
    expect(contentLines(text).slice(0, 2)).toEqual(['BEGIN:VCARD', 'VERSION:4.0']);
    expect(linesOf(text, 'EMAIL')).toEqual([
      'item1.EMAIL;PREF=1:ada@example.com',
      'item2.EMAIL:ada@lab.example',
      'EMAIL;TYPE=work:ada.lovelace@work.example',
    ]);
    expect(linesOf(text, 'X-ABLABEL')).toEqual([
      'item1.X-ABLABEL:_$!<Other>!$_',
      'item2.X-ABLABEL:Lab',
      'item3.X-ABLABEL:Workshop',
      'item5.X-ABLABEL:_$!<HomePage>!$_',
    ]);
    expect(linesOf(text, 'TEL')).toEqual([
      'TEL;TYPE=cell;PREF=1;VALUE=TEXT:+44 20 7946 0958',
      'TEL;TYPE=home;VALUE=TEXT:+44 20 7946 0000',
      'item3.TEL;VALUE=TEXT:+44 20 7946 0999',
    ]);
    expect(linesOf(text, 'ADR')).toEqual([
      "item4.ADR;TYPE=home;PREF=1:;;12 St James's Square;London;;SW1Y 4JH;United Kingdom",
    ]);
    expect(linesOf(text, 'X-ABADR')).toEqual(['item4.X-ABADR:gb']);
    expect(linesOf(text, 'X-SOCIALPROFILE')).toEqual([
      'X-SOCIALPROFILE;TYPE=twitter;X-USER=ada:http://twitter.com/ada',
    ]);
    expect(linesOf(text, 'BDAY')).toEqual(['BDAY:18151210']);
    expect(linesOf(text, 'ANNIVERSARY')).toEqual(['ANNIVERSARY:18350708']);
    expect(linesOf(text, 'X-ANNIVERSARY')).toEqual([]);
    expect(linesOf(text, 'PRODID')).toEqual(['PRODID:-//Apple Inc.//iPhone OS 17.2//EN']);
    expect(linesOf(text, 'REV')).toEqual(['REV:20240102T030405Z']);
  });

  test('photos: 3.0 inline data becomes a data: URI (comma unescaped), and back', () => {
    const text = convertVCard(APPLE_ADA, '4.0');
    expect(linesOf(text, 'PHOTO')).toEqual([`PHOTO:data:image/jpeg;base64,${JPEG_BASE64}`]);
    expect(linesOf(convertVCard(text, '3.0'), 'PHOTO')).toEqual([`PHOTO;ENCODING=b;TYPE=JPEG:${JPEG_BASE64}`]);

    const thunderbird = convertVCard(THUNDERBIRD_ELODIE, '3.0');
    expect(linesOf(thunderbird, 'PHOTO')).toEqual([`PHOTO;ENCODING=b;TYPE=PNG:${PNG_BASE64}`]);
    expect(linesOf(convertVCard(EVOLUTION_ALAN, '4.0'), 'PHOTO')).toEqual([
      `PHOTO:data:image/png;base64,${PNG_BASE64}`,
    ]);

    const linked = vcf(
      'BEGIN:VCARD',
      'VERSION:3.0',
      'FN:Ada',
      'N:;Ada;;;',
      'UID:1',
      'PHOTO;VALUE=uri;TYPE=JPEG:https://example.com/ada.jpg',
      'END:VCARD',
    );
    const linked4 = convertVCard(linked, '4.0');
    expect(linesOf(linked4, 'PHOTO')).toEqual(['PHOTO;MEDIATYPE=image/jpeg:https://example.com/ada.jpg']);
    expect(linesOf(convertVCard(linked4, '3.0'), 'PHOTO')).toEqual([
      'PHOTO;TYPE=JPEG;VALUE=URI:https://example.com/ada.jpg',
    ]);
  });

  test('groups: X-ADDRESSBOOKSERVER-KIND/-MEMBER become KIND/MEMBER, and back', () => {
    const text = convertVCard(APPLE_GROUP, '4.0');
    expect(linesOf(text, 'KIND')).toEqual(['KIND:group']);
    expect(linesOf(text, 'MEMBER')).toEqual([
      'MEMBER:urn:uuid:3F2504E0-4F89-11D3-9A0C-0305E82C3301',
      'MEMBER:urn:uuid:7C9E6679-7425-40DE-944B-E07FC1F90AE7',
    ]);
    expect(names(text).filter((name) => name.startsWith('X-ADDRESSBOOKSERVER'))).toEqual([]);

    const apple = convertVCard(DAVX5_GROUP, '3.0');
    expect(linesOf(apple, 'X-ADDRESSBOOKSERVER-KIND')).toEqual(['X-ADDRESSBOOKSERVER-KIND:group']);
    expect(linesOf(apple, 'X-ADDRESSBOOKSERVER-MEMBER')).toEqual([
      'X-ADDRESSBOOKSERVER-MEMBER:urn:uuid:0a3ee4e8-8f4b-4b8e-bb1c-3f5a9d0e0b51',
      'X-ADDRESSBOOKSERVER-MEMBER:urn:uuid:9b2c7d4e-1f3a-4b5c-8d6e-7f8091a2b3c4',
    ]);
    // 3.0 requires N, which the 4.0 group has not: an empty one stands in.
    expect(linesOf(apple, 'N')).toEqual(['N:;;;;']);
  });

  test('4.0 to 3.0: PREF becomes TYPE=pref, types in capitals, TEL numbers as 3.0 phone numbers', () => {
    const text = convertVCard(THUNDERBIRD_ELODIE, '3.0');
    expect(linesOf(text, 'EMAIL')).toEqual([
      'EMAIL;TYPE=pref:elodie@example.fr',
      'EMAIL;TYPE=WORK:e.dupont@bureau.example',
    ]);
    expect(linesOf(text, 'TEL')).toEqual(['TEL;TYPE=CELL:+33 6 12 34 56 78', 'TEL;TYPE=WORK:+33 1 23 45 67 89']);
    const davx5 = convertVCard(DAVX5_KATHERINE, '3.0');
    expect(linesOf(davx5, 'TEL')).toEqual(['TEL;TYPE=CELL:+1 757-555-0187', 'TEL;TYPE=WORK,VOICE:+1 757-555-0100']);
    const uris = vcf(
      'BEGIN:VCARD',
      'VERSION:4.0',
      'FN:Ada',
      'UID:1',
      'TEL;VALUE=uri;TYPE=cell:tel:+44-20-7946-0958',
      'TEL;VALUE=uri:sip:ada@example.com',
      'END:VCARD',
    );
    expect(linesOf(convertVCard(uris, '3.0'), 'TEL')).toEqual([
      'TEL;TYPE=CELL:+44-20-7946-0958',
      'TEL;VALUE=URI:sip:ada@example.com',
    ]);
  });

  test('dates: a year-less 4.0 date becomes Apple’s X-APPLE-OMIT-YEAR form, and back', () => {
    const card = vcf(
      'BEGIN:VCARD',
      'VERSION:4.0',
      'FN:Ada',
      'UID:1',
      'BDAY:--1210',
      'ANNIVERSARY:18350708',
      'END:VCARD',
    );
    const apple = convertVCard(card, '3.0');
    expect(linesOf(apple, 'BDAY')).toEqual(['BDAY;X-APPLE-OMIT-YEAR=1604;VALUE=DATE:16041210']);
    expect(linesOf(apple, 'X-ANNIVERSARY')).toEqual(['X-ANNIVERSARY:1835-07-08']);
    expect(parseVCard(apple).fields.birthday).toBeNull();
    const back = convertVCard(apple, '4.0');
    expect(linesOf(back, 'BDAY')).toEqual(['BDAY:--1210']);
    expect(linesOf(back, 'ANNIVERSARY')).toEqual(['ANNIVERSARY:18350708']);
  });

  test('GEO and TZ change their value type with the version', () => {
    const card3 = vcf(
      'BEGIN:VCARD',
      'VERSION:3.0',
      'FN:Ada',
      'N:;Ada;;;',
      'UID:1',
      'GEO:51.5074;-0.1278',
      'TZ:-05:00',
      'END:VCARD',
    );
    const card4 = convertVCard(card3, '4.0');
    expect(linesOf(card4, 'GEO')).toEqual(['GEO:geo:51.5074,-0.1278']);
    expect(linesOf(card4, 'TZ')).toEqual(['TZ;VALUE=UTC-OFFSET:-0500']);
    expect(linesOf(convertVCard(card4, '3.0'), 'GEO')).toEqual(['GEO:51.5074;-0.1278']);
    const named = vcf('BEGIN:VCARD', 'VERSION:4.0', 'FN:Ada', 'UID:1', 'TZ:Europe/London', 'END:VCARD');
    expect(linesOf(convertVCard(named, '3.0'), 'TZ')).toEqual(['TZ;VALUE=TEXT:Europe/London']);
  });

  test('a 4.0 REV in the extended format, which ical.js cannot read, is left out rather than garbled', () => {
    const card = vcf('BEGIN:VCARD', 'VERSION:4.0', 'FN:Ada', 'UID:1', 'REV:2024-01-02T03:04:05Z', 'END:VCARD');
    expect(linesOf(convertVCard(card, '3.0'), 'REV')).toEqual([]);
    // Nothing else to leave out: the stored text itself, its REV as written.
    expect(renderAddressData(card, { allProps: false, props: ['REV'] })).toBe(card);
  });

  test('Google’s escaped URL is a plain URL in 4.0', () => {
    expect(linesOf(convertVCard(GOOGLE_GRACE, '4.0'), 'URL')).toEqual(['item1.URL:http://www.example.com/grace']);
  });
});

describe('renderAddressData', () => {
  test('the whole vCard in its own version is the stored text, byte for byte', () => {
    expect(renderAddressData(APPLE_ADA, { allProps: true, props: [] })).toBe(APPLE_ADA);
    expect(renderAddressData(APPLE_ADA, { version: '3.0', allProps: true, props: [] })).toBe(APPLE_ADA);
    expect(renderAddressData(THUNDERBIRD_ELODIE, { version: '4.0', allProps: true, props: [] })).toBe(
      THUNDERBIRD_ELODIE,
    );
  });

  test('another version: the converted vCard', () => {
    expect(renderAddressData(APPLE_ADA, { version: '4.0', allProps: true, props: [] })).toBe(
      convertVCard(APPLE_ADA, '4.0'),
    );
    expect(renderAddressData(DAVX5_GROUP, { version: '3.0', allProps: true, props: [] })).toBe(
      convertVCard(DAVX5_GROUP, '3.0'),
    );
  });

  test('listed properties only, with VERSION, UID, FN (and N in 3.0) always kept; item-grouped ones included', () => {
    const text = renderAddressData(APPLE_ADA, { allProps: false, props: ['EMAIL', 'NICKNAME'] });
    expect(names(text)).toEqual([
      'BEGIN',
      'VERSION',
      'N',
      'FN',
      'NICKNAME',
      'ITEM1.EMAIL',
      'ITEM2.EMAIL',
      'EMAIL',
      'UID',
      'END',
    ]);
    // Without their X-ABLabel (not asked for), Apple's item-grouped addresses have no type.
    expect(parseVCard(text).fields.emails).toEqual([
      { value: 'ada@example.com' },
      { value: 'ada@lab.example' },
      { type: 'work', value: 'ada.lovelace@work.example' },
    ]);

    const four = renderAddressData(THUNDERBIRD_ELODIE, { allProps: false, props: ['TEL'] });
    expect(names(four)).toEqual(['BEGIN', 'VERSION', 'FN', 'TEL', 'TEL', 'UID', 'END']);
  });

  test('one item group’s properties by their group name', () => {
    const text = renderAddressData(APPLE_ADA, { allProps: false, props: ['ITEM2.EMAIL', 'ITEM2.X-ABLABEL'] });
    expect(names(text)).toEqual(['BEGIN', 'VERSION', 'N', 'FN', 'ITEM2.EMAIL', 'ITEM2.X-ABLABEL', 'UID', 'END']);
    expect(parseVCard(text).fields.emails).toEqual([{ type: 'Lab', value: 'ada@lab.example' }]);
  });

  test('selection and conversion together', () => {
    const text = renderAddressData(APPLE_ADA, { version: '4.0', allProps: false, props: ['PHOTO', 'BDAY'] });
    expect(names(text)).toEqual(['BEGIN', 'VERSION', 'FN', 'BDAY', 'PHOTO', 'UID', 'END']);
    expect(linesOf(text, 'PHOTO')).toEqual([`PHOTO:data:image/jpeg;base64,${JPEG_BASE64}`]);
    expect(contentLines(text)[1]).toBe('VERSION:4.0');
  });

  test('asking for properties the vCard has, all of them, returns the stored text', () => {
    const card = vcf('BEGIN:VCARD', 'VERSION:4.0', 'FN:Ada', 'UID:1', 'EMAIL:ada@example.com', 'END:VCARD');
    expect(renderAddressData(card, { allProps: false, props: ['EMAIL'] })).toBe(card);
  });
});

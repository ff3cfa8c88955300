/**
 * vCards written to break the server: malformed lines, nested cards, control characters and broken Unicode, huge
 * photos and notes, tens of thousands of properties, wrong versions and vCard 2.1 quoted-printable. Each is refused
 * with the CardDAV precondition and a message naming the problem, or accepted and handled within a bounded time.
 */
import {
  buildVCard,
  convertVCard,
  matchesAddressbookFilter,
  parseVCard,
  renderAddressData,
  VCardError,
  type AddressDataPrecondition,
} from '../../server/src/vcard';
import { MAX_COMPONENT_DEPTH, MAX_PARAMETERS_PER_LINE } from '../../server/src/ical/content-lines';
import type { AddressbookFilter } from '../../server/src/dav/requests';
import { JPEG_BASE64, vcf } from './vcard-fixtures';
import { CPU_LIMIT_SECONDS, cpuSeconds } from './cpu-time';

function refusal(text: string): { precondition: AddressDataPrecondition; message: string } {
  try {
    parseVCard(text);
  } catch (error) {
    if (error instanceof VCardError) return { precondition: error.precondition, message: error.message };
    throw error;
  }
  throw new Error('the vCard was accepted');
}

const card = (version: '3.0' | '4.0', ...lines: string[]) =>
  vcf('BEGIN:VCARD', `VERSION:${version}`, 'UID:hostile-1', 'FN:Ada Lovelace', ...lines, 'END:VCARD');

describe('malformed vCards', () => {
  test('malformed lines, a missing END, a stray line outside the card and nested cards are refused by line', () => {
    const lines = card('3.0', 'EMAIL:ada@example.com').trimEnd().split('\r\n');
    const cases: Array<[string, RegExp]> = [
      [vcf(...lines.slice(0, -1)), /BEGIN:VCARD on line 1 has no END:VCARD/],
      [vcf(...lines.slice(1)), /line 1: "VERSION:3.0" is outside any component/],
      [` ${vcf(...lines)}`, /line 1: a folded continuation line/],
      [vcf(...lines.slice(0, 4), 'NOT A LINE', ...lines.slice(4)), /line 5: "NOT A LINE" is not a content line/],
      [vcf(...lines.slice(0, 4), 'EMAIL;TYPE="home:ada@example.com', ...lines.slice(4)), /quoted parameter value of EMAIL has no closing quote/],
      [vcf(...lines.slice(0, 4), 'EMAIL;TYPE=home', ...lines.slice(4)), /EMAIL has no ":" before its value/],
      [vcf(...lines.slice(0, 4), 'item1.:x', ...lines.slice(4)), /is not a content line/],
      [vcf(...lines.slice(0, -1), 'END:VCALENDAR'), /END:VCALENDAR does not close BEGIN:VCARD/],
      [vcf(...lines.slice(0, -1), ...card('3.0').trimEnd().split('\r\n'), 'END:VCARD'), /cannot contain other components/],
    ];
    for (const [text, expected] of cases) {
      const { precondition, message } = refusal(text);
      expect(precondition).toBe('valid-address-data');
      expect(message).toMatch(expected);
    }
  });

  test(`cards nested ${MAX_COMPONENT_DEPTH + 1} or a hundred thousand deep are refused quickly`, () => {
    for (const levels of [MAX_COMPONENT_DEPTH + 1, 100_000]) {
      const text = `${'BEGIN:VCARD\r\n'.repeat(levels)}VERSION:3.0\r\nFN:x\r\nUID:y\r\n${'END:VCARD\r\n'.repeat(levels)}`;
      let result: ReturnType<typeof refusal> | undefined;
      const seconds = cpuSeconds(() => {
        result = refusal(text);
      });
      expect(result?.message).toMatch(new RegExp(`nested more than ${MAX_COMPONENT_DEPTH} deep`));
      expect(seconds).toBeLessThan(CPU_LIMIT_SECONDS);
    }
  });

  test('control characters, NUL and unpaired surrogates are refused; U+FFFD and emoji are kept', () => {
    for (const [character, name] of [
      ['\u0000', 'U+0000'],
      ['\u0007', 'U+0007'],
      ['\r', 'U+000D'],
      ['\uDBFF', 'U+DBFF'],
    ]) {
      const { precondition, message } = refusal(card('4.0', `NOTE:before${character}after`));
      expect(precondition).toBe('valid-address-data');
      expect(message).toContain(name);
      expect(message).toContain('line 5');
    }
    expect(parseVCard(card('4.0', 'NOTE:\uFFFD \u{1F600}')).fields.note).toBe('\uFFFD \u{1F600}');
  });

  test(`more than ${MAX_PARAMETERS_PER_LINE} parameters on one line are refused at once`, () => {
    let message = '';
    const seconds = cpuSeconds(() => {
      message = refusal(card('3.0', `EMAIL${';TYPE=x'.repeat(150_000)}:ada@example.com`)).message;
    });
    expect(message).toMatch(/EMAIL has more than 100 parameters/);
    expect(seconds).toBeLessThan(CPU_LIMIT_SECONDS);
  });

  test('a bad VERSION and vCard 2.1 with quoted-printable soft line breaks fail supported-address-data', () => {
    for (const version of ['5.0', '', '3.0.1']) {
      const { precondition, message } = refusal(vcf('BEGIN:VCARD', `VERSION:${version}`, 'FN:x', 'UID:y', 'END:VCARD'));
      expect(precondition).toBe('supported-address-data');
      expect(message).toMatch(/is not supported; use 3.0 or 4.0/);
    }
    const quotedPrintable = vcf(
      'BEGIN:VCARD',
      'VERSION:2.1',
      'N;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:Lovelace;Ada',
      'FN:Ada Lovelace',
      'NOTE;ENCODING=QUOTED-PRINTABLE:First line=0D=0A=',
      'second =C3=A9 line',
      'UID:qp-1',
      'END:VCARD',
    );
    const { precondition, message } = refusal(quotedPrintable);
    expect(precondition).toBe('supported-address-data');
    expect(message).toMatch(/vCard version 2.1 is not supported/);
  });
});

describe('huge vCards', () => {
  const photo = JPEG_BASE64.repeat(Math.ceil(600_000 / JPEG_BASE64.length)).slice(0, 600_000);

  test('a PHOTO of several hundred kilobytes (data: URI in 4.0, ENCODING=b in 3.0) is kept, converted and rendered', () => {
    const four = card('4.0', `PHOTO:data:image/jpeg;base64,${photo}`);
    const three = card('3.0', `PHOTO;ENCODING=b;TYPE=JPEG:${photo}`);
    const seconds = cpuSeconds(() => {
      expect(parseVCard(four).fields.photo?.uri).toBe(`data:image/jpeg;base64,${photo}`);
      expect(parseVCard(three).fields.photo?.uri).toBe(`data:image/jpeg;base64,${photo}`);
      expect(parseVCard(convertVCard(four, '3.0')).fields.photo?.uri).toBe(`data:image/jpeg;base64,${photo}`);
      expect(parseVCard(convertVCard(three, '4.0')).fields.photo?.uri).toBe(`data:image/jpeg;base64,${photo}`);
      expect(renderAddressData(three, { version: '4.0', allProps: false, props: ['PHOTO'] })).toContain('PHOTO:data:image/jpeg;base64,');
    });
    expect(seconds).toBeLessThan(CPU_LIMIT_SECONDS);
  });

  test('tens of thousands of grouped properties are read, filtered and edited without quadratic work', () => {
    const count = 20_000;
    const emails = Array.from({ length: count }, (_, index) => [`item${index + 1}.EMAIL:p${index}@example.com`, `item${index + 1}.X-ABLabel:label ${index}`]).flat();
    const text = card('3.0', 'N:Lovelace;Ada;;;').replace('END:VCARD', `${emails.join('\r\n')}\r\nEND:VCARD`);
    const filter = {
      test: 'anyof',
      propFilters: [{ name: 'EMAIL', test: 'anyof', isNotDefined: false, textMatches: [{ value: `p${count - 1}@`, collation: 'i;unicode-casemap', matchType: 'contains', negate: false }], paramFilters: [] }],
    } as unknown as AddressbookFilter;
    let edited = '';
    const seconds = cpuSeconds(() => {
      const parsed = parseVCard(text);
      expect(parsed.fields.emails?.[count - 1]).toEqual({ type: `label ${count - 1}`, value: `p${count - 1}@example.com` });
      expect(matchesAddressbookFilter(text, filter)).toBe(true);
      // An editor keeps the first two addresses: every other one goes, with its label.
      edited = buildVCard({ ...parsed.fields, uid: parsed.uid, emails: parsed.fields.emails?.slice(0, 2) ?? null }, text);
    });
    expect(seconds).toBeLessThan(CPU_LIMIT_SECONDS);
    expect(parseVCard(edited).fields.emails).toEqual([
      { type: 'label 0', value: 'p0@example.com' },
      { type: 'label 1', value: 'p1@example.com' },
    ]);
    expect(edited).not.toContain('label 2');
  });

  test('a NOTE of several hundred kilobytes with escapes round-trips', () => {
    const note = 'Line one, with commas; semicolons \\ backslashes\nand a second line. '.repeat(8_000);
    const built = buildVCard({ ...parseVCard(card('3.0')).fields, uid: 'hostile-1', note }, null);
    const seconds = cpuSeconds(() => {
      expect(parseVCard(built).fields.note).toBe(note);
      expect(parseVCard(convertVCard(built, '4.0')).fields.note).toBe(note);
    });
    expect(seconds).toBeLessThan(CPU_LIMIT_SECONDS);
  });
});

/**
 * Property-based: for generated contact fields (FN, N parts, EMAIL, TEL, ORG, NOTE, ADR and more, with any Unicode and
 * the characters vCard escapes), the vCard the CMS builds reads back as the same fields in vCard 3.0, after conversion
 * to 4.0, and after an edit of a 4.0 vCard.
 */
import fc from 'fast-check';

import type { PostalAddress, StructuredName, TypedValue } from '../../server/src/content-types/structured-values';
import { buildVCard, convertVCard, parseVCard, type ContactFields, type ContactInput } from '../../server/src/vcard';
import { standardTypes } from '../../server/src/vcard/values';

const now = new Date('2026-03-01T12:00:00Z');

/** What no content line may hold (see content-lines): such text is refused, not round-tripped. */
const unwritable = /[\u0000-\u0008\u000A-\u001F\u007F\uFFFE\uFFFF]/;
const special = fc.constantFrom(',', ';', '\\', '\n', ':', '"', ' ', '\t', '=', '\u00E9', '\u{1F600}', '\uFFFD', '\u200D');
const anyCharacter = fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }).filter((character) => !unwritable.test(character) || character === '\n');
/** Text as an editor types it: anything, but not only blanks (which is no value at all). */
const text = fc
  .string({ unit: fc.oneof(special, anyCharacter), minLength: 1, maxLength: 60 })
  .filter((value) => value.trim() !== '');
/**
 * A component of a structured value (N, ADR). Not one ending with a backslash: ical.js takes any ";" after a backslash
 * for an escaped one, so it reads a\\\\;b (the components a\\ and b, the first one's backslash escaped) as one component,
 * whoever wrote it.
 */
const part = text.filter((value) => !value.endsWith('\\'));
/** Text without surrounding blanks, for the values the CMS trims (emails, phone numbers, categories). */
const trimmed = text.map((value) => value.trim()).filter((value) => value !== '');

/** A custom type, written as Apple's X-ABLabel: one line (the CMS writes a line break in it as a space). */
const label = trimmed.filter(
  (value) =>
    !value.includes('\n') &&
    !Object.values(standardTypes).some((types) => types.includes(value.toLowerCase())) &&
    !/^_\$!<.*>!\$_$/.test(value),
);
const typeFor = (kind: 'email' | 'tel' | 'adr') => fc.option(fc.oneof(fc.constantFrom(...standardTypes[kind]), label), { nil: undefined });

const email = fc.record({ type: typeFor('email'), value: fc.emailAddress() });
const phone = fc.record({
  type: typeFor('tel'),
  value: fc.stringMatching(/^\+?[0-9][0-9 ()-]{2,18}[0-9]$/),
});
const address = fc
  .record(
    {
      type: typeFor('adr'),
      poBox: part,
      extended: part,
      street: part,
      locality: part,
      region: part,
      postalCode: part,
      country: part,
    },
    { requiredKeys: [] },
  )
  .filter((value) => ['poBox', 'extended', 'street', 'locality', 'region', 'postalCode', 'country'].some((part) => part in value));
const name = fc
  .record({ family: part, given: part, additional: part, prefix: part, suffix: part }, { requiredKeys: [] })
  .filter((value) => Object.keys(value).length > 0);
const date = fc.integer({ min: Date.UTC(1900, 0, 1) / 86_400_000, max: Date.UTC(2100, 0, 1) / 86_400_000 }).map((day) => new Date(day * 86_400_000).toISOString().slice(0, 10));
const list = <T>(item: fc.Arbitrary<T>) => fc.option(fc.array(item, { minLength: 1, maxLength: 3 }), { nil: null });

/** A contact; vCard 3.0 requires N, which the CMS derives from FN when there is no name (see vcard-build tests). */
const contactWith = (names: fc.Arbitrary<StructuredName | null>) => fc.record({
  uid: trimmed,
  fullName: text,
  name: names,
  nickname: fc.option(text, { nil: null }),
  emails: list(email) as fc.Arbitrary<TypedValue[] | null>,
  phones: list(phone) as fc.Arbitrary<TypedValue[] | null>,
  addresses: list(address) as fc.Arbitrary<PostalAddress[] | null>,
  organization: fc.option(text, { nil: null }),
  title: fc.option(text, { nil: null }),
  role: fc.option(text, { nil: null }),
  birthday: fc.option(date, { nil: null }),
  anniversary: fc.option(date, { nil: null }),
  note: fc.option(text, { nil: null }),
  url: fc.option(fc.webUrl(), { nil: null }),
  categories: list(trimmed),
});
const contact = contactWith(name);
const contactMaybeNamed = contactWith(fc.option(name, { nil: null }));

const input = (fields: fc.Arbitrary<Omit<ContactInput, 'photo' | 'kind' | 'members'>>) =>
  fields.map((value): ContactInput => ({ ...value, photo: null, kind: 'individual', members: null }));

/** The fields as they read back: types of the standard kinds in lower case (as the CMS compares them). */
function expected(value: ContactInput): ContactFields {
  const typed = (entries: TypedValue[] | null) =>
    entries?.map((entry) => (entry.type === undefined ? { value: entry.value } : { type: entry.type, value: entry.value })) ?? null;
  const { uid: _uid, ...fields } = value;
  return {
    ...fields,
    emails: typed(fields.emails),
    phones: typed(fields.phones),
    addresses: fields.addresses?.map((entry) => Object.fromEntries(Object.entries(entry).filter(([, part]) => part !== undefined)) as PostalAddress) ?? null,
  };
}

function read(text: string): ContactFields & { uid: string } {
  const parsed = parseVCard(text);
  return { ...parsed.fields, uid: parsed.uid };
}

const runs = { numRuns: 120 };

describe('vCards built from contact fields read back as the same fields', () => {
  test('vCard 3.0 as built, and the same contact converted to vCard 4.0', () => {
    fc.assert(
      fc.property(input(contact), (value) => {
        const built = buildVCard(value, null, now);
        expect(parseVCard(built).version).toBe('3.0');
        expect(read(built)).toEqual({ ...expected(value), uid: value.uid });
        const four = convertVCard(built, '4.0');
        expect(parseVCard(four).version).toBe('4.0');
        expect(read(four)).toEqual({ ...expected(value), uid: value.uid });
      }),
      runs,
    );
  });

  test('an edit of a vCard 4.0 writes every changed field in 4.0', () => {
    fc.assert(
      fc.property(input(contactMaybeNamed), input(contactMaybeNamed), (first, second) => {
        const previous = convertVCard(buildVCard(first, null, now), '4.0');
        const edited = buildVCard({ ...second, uid: first.uid }, previous, now);
        expect(parseVCard(edited).version).toBe('4.0');
        expect(read(edited)).toEqual({ ...expected(second), uid: first.uid });
      }),
      runs,
    );
  });
});

import type { Collation } from '../../server/src/dav/model';
import type {
  AddressbookFilter,
  CardMatchType,
  CardParamFilter,
  CardPropFilter,
  CardTextMatch,
} from '../../server/src/dav/requests';
import { matchesAddressbookFilter } from '../../server/src/vcard';
import { certainlyFails, matchesParsedCard } from '../../server/src/vcard/filter';
import { APPLE_ADA, APPLE_GROUP, DAVX5_KATHERINE, GOOGLE_GRACE, THUNDERBIRD_ELODIE, vcf } from './vcard-fixtures';

// Filters as parseReport gives them (RFC 6352 defaults: anyof, i;unicode-casemap, contains).
const text = (
  value: string,
  options: { matchType?: CardMatchType; collation?: Collation; negate?: boolean } = {},
): CardTextMatch => ({
  value,
  matchType: options.matchType ?? 'contains',
  collation: options.collation ?? 'i;unicode-casemap',
  negate: options.negate ?? false,
});

const prop = (
  name: string,
  options: {
    textMatches?: CardTextMatch[];
    paramFilters?: CardParamFilter[];
    test?: 'anyof' | 'allof';
    isNotDefined?: boolean;
  } = {},
): CardPropFilter => ({
  name,
  test: options.test ?? 'anyof',
  isNotDefined: options.isNotDefined ?? false,
  textMatches: options.textMatches ?? [],
  paramFilters: options.paramFilters ?? [],
});

const filter = (propFilters: CardPropFilter[], test: 'anyof' | 'allof' = 'anyof'): AddressbookFilter => ({
  test,
  propFilters,
});

const matches = (card: string, ...propFilters: CardPropFilter[]) => matchesAddressbookFilter(card, filter(propFilters));

describe('matchesAddressbookFilter', () => {
  test('an empty filter matches every vCard', () => {
    expect(matchesAddressbookFilter(APPLE_ADA, filter([]))).toBe(true);
    expect(matchesAddressbookFilter(APPLE_GROUP, filter([], 'allof'))).toBe(true);
  });

  test('match types: equals, contains (the default), starts-with, ends-with', () => {
    const fn = (value: string, matchType: CardMatchType) =>
      matches(APPLE_ADA, prop('FN', { textMatches: [text(value, { matchType })] }));
    expect(fn('ada lovelace', 'equals')).toBe(true);
    expect(fn('ada', 'equals')).toBe(false);
    expect(fn('love', 'contains')).toBe(true);
    expect(fn('babbage', 'contains')).toBe(false);
    expect(fn('ada l', 'starts-with')).toBe(true);
    expect(fn('lovelace', 'starts-with')).toBe(false);
    expect(fn('lace', 'ends-with')).toBe(true);
    expect(fn('ada', 'ends-with')).toBe(false);
  });

  test('collations: unicode-casemap folds any case, ascii-casemap only A-Z, octet nothing', () => {
    const fn = (value: string, collation: Collation) =>
      matches(THUNDERBIRD_ELODIE, prop('FN', { textMatches: [text(value, { collation, matchType: 'starts-with' })] }));
    // Thunderbird's FN is "Élodie Dupont".
    expect(fn('élodie', 'i;unicode-casemap')).toBe(true);
    expect(fn('élodie', 'i;ascii-casemap')).toBe(false);
    expect(fn('ÉLODIE', 'i;ascii-casemap')).toBe(true); // É is the same character; only LODIE is folded
    expect(fn('Élodie', 'i;octet')).toBe(true);
    expect(fn('ÉLODIE', 'i;octet')).toBe(false);
    const typedLowerCase = vcf('BEGIN:VCARD', 'VERSION:4.0', 'FN:élodie dupont', 'UID:2', 'END:VCARD');
    expect(matches(typedLowerCase, prop('FN', { textMatches: [text('ÉLODIE')] }))).toBe(true);
    expect(
      matches(typedLowerCase, prop('FN', { textMatches: [text('ÉLODIE', { collation: 'i;ascii-casemap' })] })),
    ).toBe(false);
    // A decomposed é (e + U+0301) is the same text.
    expect(fn('E\u0301LODIE', 'i;unicode-casemap')).toBe(true);
    const strasse = vcf('BEGIN:VCARD', 'VERSION:4.0', 'FN:Jörg Straße', 'UID:1', 'END:VCARD');
    expect(matches(strasse, prop('FN', { textMatches: [text('STRASSE')] }))).toBe(true);
    expect(matches(strasse, prop('FN', { textMatches: [text('STRASSE', { collation: 'i;ascii-casemap' })] }))).toBe(
      false,
    );
  });

  test('negate-condition', () => {
    const notExampleCom = prop('EMAIL', {
      textMatches: [text('@example.com', { negate: true, matchType: 'ends-with' })],
    });
    // Ada has other addresses too: a negated match holds for a property instance that does not match.
    expect(matches(APPLE_ADA, notExampleCom)).toBe(true);
    const onlyExampleCom = vcf('BEGIN:VCARD', 'VERSION:3.0', 'FN:Ada', 'UID:1', 'EMAIL:ada@example.com', 'END:VCARD');
    expect(matches(onlyExampleCom, notExampleCom)).toBe(false);
    // No property at all: nothing to match, negated or not.
    expect(matches(THUNDERBIRD_ELODIE, prop('ORG', { textMatches: [text('Acme', { negate: true })] }))).toBe(false);
  });

  test('multi-valued properties match by any value; structured ones by their text with ";" between components', () => {
    expect(matches(APPLE_ADA, prop('CATEGORIES', { textMatches: [text('friends', { matchType: 'equals' })] }))).toBe(
      true,
    );
    expect(
      matches(APPLE_ADA, prop('CATEGORIES', { textMatches: [text('family,friends', { matchType: 'equals' })] })),
    ).toBe(false);
    expect(matches(APPLE_ADA, prop('N', { textMatches: [text('Lovelace;Ada', { matchType: 'starts-with' })] }))).toBe(
      true,
    );
    expect(matches(APPLE_ADA, prop('N', { textMatches: [text('king,augusta')] }))).toBe(true);
    expect(matches(GOOGLE_GRACE, prop('ADR', { textMatches: [text(';Washington;DC;20374;')] }))).toBe(true);
  });

  test('anyof and allof over prop-filters', () => {
    const lovelace = prop('N', { textMatches: [text('lovelace')] });
    const hopper = prop('N', { textMatches: [text('hopper')] });
    const hasNickname = prop('NICKNAME');
    expect(matchesAddressbookFilter(APPLE_ADA, filter([lovelace, hopper], 'anyof'))).toBe(true);
    expect(matchesAddressbookFilter(APPLE_ADA, filter([lovelace, hopper], 'allof'))).toBe(false);
    expect(matchesAddressbookFilter(APPLE_ADA, filter([lovelace, hasNickname], 'allof'))).toBe(true);
    expect(matchesAddressbookFilter(GOOGLE_GRACE, filter([lovelace, hasNickname], 'anyof'))).toBe(false);
  });

  test('anyof and allof within a prop-filter, over text-matches and param-filters of one property', () => {
    const workAtNasa = (test: 'anyof' | 'allof') =>
      prop('EMAIL', {
        test,
        textMatches: [text('nasa.example', { matchType: 'ends-with' })],
        paramFilters: [{ name: 'TYPE', isNotDefined: false, textMatch: text('home', { matchType: 'equals' }) }],
      });
    // Katherine's nasa.example address is a work address: allof needs one address that is both.
    expect(matches(DAVX5_KATHERINE, workAtNasa('allof'))).toBe(false);
    expect(matches(DAVX5_KATHERINE, workAtNasa('anyof'))).toBe(true);
    const twoTexts = (test: 'anyof' | 'allof') => prop('FN', { test, textMatches: [text('grace'), text('ada')] });
    expect(matches(GOOGLE_GRACE, twoTexts('anyof'))).toBe(true);
    expect(matches(GOOGLE_GRACE, twoTexts('allof'))).toBe(false);
  });

  test('param-filter: a text-match against the value(s), is-not-defined, or mere presence', () => {
    const typed = (value: string) =>
      prop('TEL', {
        paramFilters: [{ name: 'TYPE', isNotDefined: false, textMatch: text(value, { matchType: 'equals' }) }],
      });
    expect(matches(APPLE_ADA, typed('cell'))).toBe(true); // TYPE=CELL,VOICE,pref: any value
    expect(matches(APPLE_ADA, typed('fax'))).toBe(false);
    const untyped = prop('EMAIL', { paramFilters: [{ name: 'TYPE', isNotDefined: true }] });
    expect(matches(DAVX5_KATHERINE, untyped)).toBe(true); // item1.EMAIL has no TYPE
    expect(matches(GOOGLE_GRACE, untyped)).toBe(false);
    const preferred = prop('EMAIL', { paramFilters: [{ name: 'PREF', isNotDefined: false }] });
    expect(matches(THUNDERBIRD_ELODIE, preferred)).toBe(true);
    expect(matches(GOOGLE_GRACE, preferred)).toBe(false);
  });

  test('is-not-defined: no property of that name', () => {
    const noNickname = prop('NICKNAME', { isNotDefined: true });
    expect(matches(GOOGLE_GRACE, noNickname)).toBe(true);
    expect(matches(APPLE_ADA, noNickname)).toBe(false);
  });

  test('property names are case-insensitive and match item-grouped properties; a group name narrows', () => {
    expect(matches(APPLE_ADA, prop('email', { textMatches: [text('ada@lab.example', { matchType: 'equals' })] }))).toBe(
      true,
    );
    expect(matches(APPLE_ADA, prop('ITEM2.EMAIL', { textMatches: [text('lab.example')] }))).toBe(true);
    expect(matches(APPLE_ADA, prop('ITEM1.EMAIL', { textMatches: [text('lab.example')] }))).toBe(false);
    expect(matches(APPLE_ADA, prop('X-ABLABEL', { textMatches: [text('workshop', { matchType: 'equals' })] }))).toBe(
      true,
    );
  });

  test('a vCard that cannot be read matches no filter', () => {
    expect(matches('BEGIN:VCARD\r\nFN:broken\r\n', prop('FN'))).toBe(false);
  });
});

describe('the shortcut that rules vCards out without parsing them', () => {
  const card = (...lines: string[]) => vcf('BEGIN:VCARD', 'VERSION:3.0', 'UID:u-1', ...lines, 'END:VCARD');
  const cards = [
    APPLE_ADA,
    APPLE_GROUP,
    DAVX5_KATHERINE,
    GOOGLE_GRACE,
    THUNDERBIRD_ELODIE,
    // A folded line: the value is "Ada Lovelace".
    card('FN:Ada Love', ' lace', 'N:Lovelace;Ada;;;'),
    // Greek capital sigma: word-final after "FN:" in the whole text, not in the value alone.
    card('FN:Σ', 'N:Σ;;;;'),
    card('FN:ΟΔΥΣΣΕΥΣ', 'N:ΟΔΥΣΣΕΥΣ;;;;'),
    // Escapes: the value is "Smith, Jones".
    card('FN:Smith\\, Jones', 'N:Smith;;;;', 'NOTE:a\\nb'),
    // Decomposed é in the vCard (René), a date ical.js gives as 1980-01-01, an item group.
    card('FN:Rene\u0301 Dupont', 'N:Dupont;René;;;', 'BDAY:19800101', 'item1.EMAIL:rene@example.test', 'CATEGORIES:Friends,Chess club'),
  ];
  const matchesOf = (...values: string[]) => values.map((value) => text(value));
  const filters: AddressbookFilter[] = [
    ...['lovelace', 'ada love', 'σ', 'Σ', 'ς', 'οδυσσευς', 'smith, jones', 'smith', 'a\nb', 'rené', 'RENE\u0301', '1980-01', 'chess', 'nobody', ''].flatMap(
      (value) => ['FN', 'N', 'NOTE', 'BDAY', 'EMAIL', 'CATEGORIES'].map((name) => filter([prop(name, { textMatches: matchesOf(value) })])),
    ),
    filter([prop('FN', { textMatches: [text('ada', { matchType: 'equals' })] }), prop('EMAIL', { textMatches: [text('nobody')] })], 'allof'),
    filter([prop('FN', { textMatches: [text('nobody')] }), prop('EMAIL', { textMatches: [text('example')] })], 'anyof'),
    filter([prop('FN', { textMatches: [text('nobody')] }), prop('BDAY', { textMatches: [text('1980')] })], 'anyof'),
    filter([prop('FN', { textMatches: [text('nobody', { negate: true })] })]),
    filter([prop('FN', { textMatches: [text('ADA', { collation: 'i;octet' })] })]),
    filter([prop('FN', { textMatches: [text('ada', { collation: 'i;ascii-casemap', matchType: 'starts-with' })] })]),
    filter([prop('EMAIL', { test: 'anyof', textMatches: [text('nobody')], paramFilters: [{ name: 'TYPE', isNotDefined: false }] })]),
    filter([prop('EMAIL', { test: 'allof', textMatches: [text('nobody')], paramFilters: [{ name: 'TYPE', isNotDefined: false }] })]),
  ];

  test('never rules out a vCard that matches', () => {
    let matched = 0;
    for (const cardText of cards) {
      for (const each of filters) {
        const expected = matchesParsedCard(cardText, each);
        if (expected) {
          matched += 1;
          expect({ card: cardText, filter: each, ruledOut: certainlyFails(cardText, each) }).toEqual({ card: cardText, filter: each, ruledOut: false });
        }
        expect(matchesAddressbookFilter(cardText, each)).toBe(expected);
      }
    }
    expect(matched).toBeGreaterThan(40);
  });

  test('rules out the vCards of an ordinary search without parsing them', () => {
    const grace = card('FN:Grace Hopper', 'N:Hopper;Grace;;;', 'EMAIL;TYPE=INTERNET:grace@example.test');
    const byName = filter([prop('FN', { textMatches: [text('lovelace')] })]);
    expect(certainlyFails(grace, byName)).toBe(true);
    expect(certainlyFails(card('FN:Ada Lovelace'), byName)).toBe(false);
    // A vCard with escapes is always parsed.
    expect(certainlyFails(card('FN:Grace Hopper', 'NOTE:a\\, b'), byName)).toBe(false);
    // Something other than the needle can make the filter pass: never ruled out.
    expect(certainlyFails(grace, filter([prop('FN', { textMatches: [text('lovelace', { negate: true })] })]))).toBe(false);
    expect(certainlyFails(grace, filter([prop('FN', { textMatches: [text('lovelace')] }), prop('NICKNAME', { isNotDefined: true })]))).toBe(false);
  });
});

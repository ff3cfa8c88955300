/**
 * CardDAV addressbook-query filters (RFC 6352 section 10.5) evaluated against one stored vCard.
 */
import type { Collation } from '../dav/model';
import type { AddressbookFilter, CardParamFilter, CardPropFilter, CardTextMatch } from '../dav/requests';
import { paramValues, parseCard, valueText, type Card, type CardProperty } from './card';

/**
 * True when the vCard matches the filter. An empty filter (no prop-filter) matches every vCard; a vCard that
 * cannot be read matches none.
 */
export function matchesAddressbookFilter(text: string, filter: AddressbookFilter): boolean {
  if (filter.propFilters.length === 0) return true;
  if (certainlyFails(text, filter)) return false;
  return matchesParsedCard(text, filter);
}

/** What matchesAddressbookFilter answers, always by parsing the vCard (without its shortcut). */
export function matchesParsedCard(text: string, filter: AddressbookFilter): boolean {
  let card: Card;
  try {
    card = parseCard(text);
  } catch {
    return false;
  }
  const test = (propFilter: CardPropFilter) => propFilterMatches(propFilter, card);
  return filter.test === 'allof' ? filter.propFilters.every(test) : filter.propFilters.some(test);
}

/** The properties a prop-filter names: EMAIL names item1.EMAIL too, ITEM1.EMAIL only that group's. */
function propertiesFiltered(card: Card, filterName: string): CardProperty[] {
  const name = filterName.toLowerCase();
  const dot = name.lastIndexOf('.');
  const [group, base] = dot === -1 ? [null, name] : [name.slice(0, dot), name.slice(dot + 1)];
  const version: CardProperty = { name: 'version', group: null, params: {}, type: 'text', values: [card.version] };
  return [version, ...card.properties].filter(
    (property) => property.name === base && (group === null || property.group === group),
  );
}

/** RFC 6352 10.5.1: some property of that name passes the filter's text-matches and param-filters (anyof/allof). */
function propFilterMatches(filter: CardPropFilter, card: Card): boolean {
  const properties = propertiesFiltered(card, filter.name);
  if (filter.isNotDefined) return properties.length === 0;
  const tests: ((property: CardProperty) => boolean)[] = [
    ...filter.textMatches.map(
      (match) => (property: CardProperty) => textMatches(match, property.values.map(valueText)),
    ),
    ...filter.paramFilters.map((paramFilter) => (property: CardProperty) => paramFilterMatches(paramFilter, property)),
  ];
  if (tests.length === 0) return properties.length > 0;
  return properties.some((property) =>
    filter.test === 'allof' ? tests.every((test) => test(property)) : tests.some((test) => test(property)),
  );
}

/** RFC 6352 10.5.2: the parameter exists (or, with is-not-defined, does not) and its value passes the text-match. */
function paramFilterMatches(filter: CardParamFilter, property: CardProperty): boolean {
  const values = paramValues(property, filter.name.toLowerCase());
  if (filter.isNotDefined) return values.length === 0;
  if (values.length === 0) return false;
  return !filter.textMatch || textMatches(filter.textMatch, values);
}

/**
 * RFC 6352 10.5.4: the text compared under the collation by the match type. Structured values (N, ADR) are their
 * text form with ";" between components; of several values (CATEGORIES:a,b) any one may match, and a negated match
 * holds when none does.
 */
export function textMatches(match: CardTextMatch, values: string[]): boolean {
  const needle = foldCase(match.value, match.collation);
  const found = values.some((value) => {
    const haystack = foldCase(value, match.collation);
    switch (match.matchType) {
      case 'equals':
        return haystack === needle;
      case 'starts-with':
        return haystack.startsWith(needle);
      case 'ends-with':
        return haystack.endsWith(needle);
      case 'contains':
      default:
        return haystack.includes(needle);
    }
  });
  return match.negate ? !found : found;
}

export function foldCase(text: string, collation: Collation): string {
  switch (collation) {
    case 'i;octet':
      return text;
    case 'i;unicode-casemap':
      // Full case folding (ß matches SS, final ς matches Σ) on composed text (é matches e + U+0301).
      return text.normalize('NFC').toUpperCase().toLowerCase().normalize('NFC');
    case 'i;ascii-casemap':
    default:
      return text.replace(/[A-Z]/g, (letter) => letter.toLowerCase());
  }
}

/**
 * Properties whose values ical.js gives as the text they are written with (after unfolding and unescaping): a
 * text-match on one of them can only succeed where the needle is in the vCard's text itself. Dates, for one, are
 * reformatted when parsed.
 */
const TEXT_PROPERTIES = new Set(['fn', 'n', 'nickname', 'email', 'org', 'title', 'role', 'note', 'adr', 'categories', 'uid', 'tel']);

/** Per filter: the needles one of which (anyof) or each of which (allof) the text must contain; null: no such rule. */
const requiredNeedles = new WeakMap<AddressbookFilter, { test: 'anyof' | 'allof'; needles: CardTextMatch[] } | null>();

function needlesOf(filter: AddressbookFilter): { test: 'anyof' | 'allof'; needles: CardTextMatch[] } | null {
  if (requiredNeedles.has(filter)) return requiredNeedles.get(filter) ?? null;
  // A prop-filter requires a text-match's needle when nothing else can make it pass: the match is not negated and is
  // its only test, or all its tests must pass.
  const needleOf = (propFilter: CardPropFilter): CardTextMatch | null => {
    const base = propFilter.name.toLowerCase().split('.').pop() ?? '';
    if (propFilter.isNotDefined || !TEXT_PROPERTIES.has(base)) return null;
    const testCount = propFilter.textMatches.length + propFilter.paramFilters.length;
    if (propFilter.test !== 'allof' && testCount !== 1) return null;
    return propFilter.textMatches.find((match) => !match.negate && !/[\r\n]/.test(match.value)) ?? null;
  };
  const needles = filter.propFilters.map(needleOf);
  // allof: any one required needle rules a vCard out; anyof: only when every prop-filter has one.
  const usable = needles.filter((needle): needle is CardTextMatch => needle !== null);
  const plan = filter.test === 'allof' ? (usable.length > 0 ? { test: 'allof' as const, needles: usable } : null) : usable.length === needles.length ? { test: 'anyof' as const, needles: usable } : null;
  requiredNeedles.set(filter, plan);
  return plan;
}

/**
 * True when the vCard certainly fails the filter without parsing it: a needle the filter requires is nowhere in its
 * text (unfolded, under the same case folding). Most vCards of a search fail it, and parsing is most of the cost of
 * a query. A vCard with escapes (a backslash) is always parsed, as unescaping changes its text; so is one whose text
 * could otherwise differ from its values (see TEXT_PROPERTIES). Never rules out a vCard that matches.
 */
export function certainlyFails(text: string, filter: AddressbookFilter): boolean {
  const plan = needlesOf(filter);
  if (!plan || text.includes('\\')) return false;
  const unfolded = text.replace(/(?:\r\n|\r|\n)[ \t]/g, '');
  const folded = new Map<Collation, string>();
  const missing = (match: CardTextMatch): boolean => {
    let haystack = folded.get(match.collation);
    if (haystack === undefined) {
      haystack = comparable(unfolded, match.collation);
      folded.set(match.collation, haystack);
    }
    return !haystack.includes(comparable(match.value, match.collation));
  };
  return plan.test === 'allof' ? plan.needles.some(missing) : plan.needles.every(missing);
}

/**
 * Text folded as foldCase does, with final sigma as sigma: folding a whole vCard, a value's last letter can be word
 * final where the value alone is not (or the other way round), the one rule of case mapping that looks at the
 * letters around. Values start and end at a colon, semicolon, comma or line break, which NFC composes with nothing.
 */
function comparable(text: string, collation: Collation): string {
  const folded = foldCase(text, collation);
  return collation === 'i;unicode-casemap' ? folded.replace(/ς/g, 'σ') : folded;
}

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

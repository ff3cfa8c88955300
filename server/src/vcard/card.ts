/**
 * A vCard as plain data between ical.js's parser and serializer: its version and its properties, each with its
 * item group, parameters, value type and values exactly as ical.js reads them (jCard, RFC 7095).
 */
import ICAL from 'ical.js';

import { ContentLineError, screenContentLines } from '../ical/content-lines';
import { errorMessage } from '../ical/document';
import { foldLine } from '../ical/serialize';
import { VCardError, isVCardVersion, type VCardVersion } from './types';

/** A jCard value: text, a number (GEO in 3.0), or the components of a structured value (N, ADR, ORG). */
export type CardValue = string | number | boolean | CardValue[];

/** Parameters by lower-case name; TYPE (multi-valued) as a list. VALUE is not a parameter here: see `type`. */
export type CardParams = Record<string, string | string[]>;

export interface CardProperty {
  /** Lower-case, without the item group. */
  name: string;
  /** The item group (Apple's "item1" of item1.EMAIL), lower-case; null when there is none. */
  group: string | null;
  params: CardParams;
  /** The ical.js value type: text, uri, date, date-and-or-time, phone-number, binary, unknown (X- properties)... */
  type: string;
  /** Several for multi-valued properties (CATEGORIES:a,b); a structured value (N, ADR) is one array. */
  values: CardValue[];
}

export interface Card {
  version: VCardVersion;
  /** Every property but VERSION, in order (VERSION is written first, as RFC 6350 requires). */
  properties: CardProperty[];
}

type DesignSet = typeof ICAL.design.vcard;

/**
 * ical.js's vCard 4.0 rules, except that URI values are written as they are: ical.js escapes their commas like
 * text, which breaks data: URIs (data:image/jpeg;base64\,...) and geo: URIs for every other client.
 */
const vcard4Design: DesignSet = {
  ...ICAL.design.vcard,
  value: { ...ICAL.design.vcard.value, uri: ICAL.design.vcard3.value.uri },
};

export const designFor = (version: VCardVersion): DesignSet => (version === '3.0' ? ICAL.design.vcard3 : vcard4Design);

const BYTE_ORDER_MARK = '\uFEFF';

const invalid = (message: string) => new VCardError('valid-address-data', message);

const VERSION_2_1 = /^VERSION:[ \t]*2\.1[ \t]*\r?$/im;

/**
 * Checks the content lines and the nesting of a vCard a client sent, before anything reads it (see content-lines):
 * throws VCardError naming the line. vCard 2.1 is named as such: its quoted-printable line breaks are not lines.
 */
export function screenVCardText(text: string): void {
  const source = text.startsWith(BYTE_ORDER_MARK) ? text.slice(1) : text;
  if (VERSION_2_1.test(source)) throw unsupportedVersion('2.1');
  try {
    screenContentLines(source, { groups: true, rootName: 'VCARD' });
  } catch (error) {
    if (error instanceof ContentLineError) throw invalid(`The data is not a valid vCard: ${error.message}`);
    throw error;
  }
}

/**
 * Parses the text of one vCard 3.0 or 4.0. Throws VCardError: valid-address-data for text that is not exactly one
 * well-formed vCard, supported-address-data for another version (2.1) or none.
 */
export function parseCard(text: string): Card {
  const source = text.startsWith(BYTE_ORDER_MARK) ? text.slice(1) : text;
  let parsed: unknown;
  try {
    parsed = ICAL.parse(source);
  } catch (error) {
    // ical.js cannot read vCard 2.1 (TEL;HOME;VOICE:, quoted-printable): name the version rather than the syntax.
    if (VERSION_2_1.test(source)) throw unsupportedVersion('2.1');
    // ical.js's syntax errors say what is wrong, except those from its internals (a TypeError when lines and
    // components do not fit together), which say nothing to the sender.
    const reason =
      error instanceof TypeError || error instanceof RangeError ? 'its lines and components do not fit together' : errorMessage(error);
    throw invalid(`The data is not a valid vCard: ${reason}`);
  }
  if (!Array.isArray(parsed) || parsed.length === 0) {
    throw invalid('The data is empty: expected one vCard (BEGIN:VCARD ... END:VCARD)');
  }
  // ical.js answers a single component as ['vcard', props, comps] and several as a list of those.
  if (Array.isArray(parsed[0])) {
    throw invalid(`The data holds ${parsed.length} objects; an address object resource holds exactly one vCard`);
  }
  const [name, rawProperties, components] = parsed as unknown[];
  if (name !== 'vcard') throw invalid(`The data is a ${String(name).toUpperCase()}, not a VCARD`);
  if (!Array.isArray(rawProperties) || !Array.isArray(components)) throw invalid('The data is not a valid vCard');
  if (components.length > 0) throw invalid('A vCard cannot contain other components (BEGIN:... inside BEGIN:VCARD)');

  let properties = rawProperties.map(cardProperty);
  const versions = properties.filter((property) => property.name === 'version');
  if (versions.length === 0)
    throw new VCardError('supported-address-data', 'The vCard has no VERSION (expected 3.0 or 4.0)');
  const version = String(versions[0].values[0] ?? '').trim();
  if (!isVCardVersion(version)) throw unsupportedVersion(version);
  properties = properties.filter((property) => property.name !== 'version');

  const readWith4Rules = rawProperties[0] === versions[0].source && versions[0].values[0] === '4.0';
  if (version === '4.0' && !readWith4Rules) {
    // ical.js reads a vCard with the 4.0 rules only when VERSION:4.0 is its first property, and with the 3.0 rules
    // otherwise. Write what it read with the 3.0 rules, VERSION first, and read that again.
    const lines = properties.map((property) => propertyLine(property, ICAL.design.vcard3));
    return parseCard(['BEGIN:VCARD', 'VERSION:4.0', ...lines, 'END:VCARD', ''].join('\r\n'));
  }
  // ical.js garbles a 4.0 timestamp in the extended format (REV:2024-01-02T03:04:05Z): drop what it could not read
  // rather than write garbage back. REV is only advisory, and an edit writes a new one.
  if (version === '4.0')
    properties = properties.filter((property) => property.type !== 'timestamp' || isTimestamp(property));
  return {
    version,
    properties: properties.map(({ source: _source, ...property }) => withStructure(property, version)),
  };
}

/**
 * ical.js reads a structured value with a single component (ORG:Acme\; Labs) as plain text, and writes plain text
 * without escaping ";" (ORG:Acme; Labs, two components). A structured value is therefore always kept as a list.
 */
function withStructure(property: CardProperty, version: VCardVersion): CardProperty {
  const details: unknown = designFor(version).property[property.name];
  const structured = isRecord(details) && typeof details.structuredValue === 'string';
  if (!structured || property.values.length !== 1 || Array.isArray(property.values[0])) return property;
  return { ...property, values: [[property.values[0]]] };
}

function unsupportedVersion(version: string): VCardError {
  return new VCardError(
    'supported-address-data',
    `vCard version ${version || '(empty)'} is not supported; use 3.0 or 4.0`,
  );
}

const isTimestamp = (property: CardProperty): boolean =>
  property.values.every(
    (value) => typeof value === 'string' && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(Z|[+-]\d{2}(:?\d{2})?)?$/.test(value),
  );

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** A property from ical.js's jCard, typed; `source` is the jCard array it came from. */
function cardProperty(raw: unknown): CardProperty & { source: unknown } {
  if (!Array.isArray(raw) || typeof raw[0] !== 'string' || !isRecord(raw[1]) || typeof raw[2] !== 'string') {
    throw invalid('The vCard has a property ical.js could not read');
  }
  const [name, rawParams, type, ...values] = raw as [string, Record<string, unknown>, string, ...unknown[]];
  let group: string | null = null;
  const params: CardParams = {};
  for (const [key, value] of Object.entries(rawParams)) {
    if (key === 'group') group = String(value).toLowerCase();
    // TYPE=HOME;TYPE=WORK,FAX comes out of ical.js as ['HOME', ['WORK', 'FAX']].
    else params[key] = Array.isArray(value) ? flatten(value) : String(value);
  }
  return { name, group, params, type, values: values.map(cardValue), source: raw };
}

function cardValue(value: unknown): CardValue {
  if (Array.isArray(value)) return value.map(cardValue);
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  return String(value);
}

function flatten(values: unknown[]): string[] {
  return values.flatMap((value) => (Array.isArray(value) ? flatten(value) : [String(value)]));
}

/** One unfolded content line, written by ical.js. The group is written as it was read (Apple writes item1.EMAIL). */
export function propertyLine(property: CardProperty, design: DesignSet): string {
  const line: string = ICAL.stringify.property(
    [property.name, { ...property.params }, property.type, ...property.values],
    design,
    true,
  );
  return property.group ? `${property.group}.${line}` : line;
}

/** The text of a vCard: VERSION first, CRLF line endings, folded at 75 octets, ending with CRLF. */
export function serializeCard(card: Card): string {
  const design = designFor(card.version);
  const lines = [
    'BEGIN:VCARD',
    `VERSION:${card.version}`,
    ...card.properties.map((property) => propertyLine(property, design)),
    'END:VCARD',
  ];
  return lines.map(foldLine).join('\r\n') + '\r\n';
}

/** Reads one property line with a version's rules (ical.js's property parser). */
export function parsePropertyLine(line: string, version: VCardVersion): CardProperty {
  const { source: _source, ...property } = cardProperty(ICAL.parse.property(line, designFor(version)));
  return withStructure(property, version);
}

// ---------------------------------------------------------------------------------------------------------------
// Reading properties

export const propertiesNamed = (card: Card, name: string): CardProperty[] =>
  card.properties.filter((property) => property.name === name);

export const firstNamed = (card: Card, name: string): CardProperty | undefined =>
  card.properties.find((property) => property.name === name);

/** A parameter's values, each once, as written (TYPE=HOME,pref gives ['HOME', 'pref']). */
export function paramValues(property: CardProperty, name: string): string[] {
  const value = property.params[name];
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

/** A value as text: the components of a structured value joined by ";", their lists by ",". */
export function valueText(value: CardValue): string {
  if (!Array.isArray(value)) return String(value);
  return value
    .map((component) => (Array.isArray(component) ? component.map(String).join(',') : String(component)))
    .join(';');
}

/** The first value of a property as text ('' when it has none). */
export const firstText = (property: CardProperty): string =>
  property.values.length > 0 ? valueText(property.values[0]) : '';

/** The components of a structured value (N, ADR, ORG), each as text (a list joined by ","). */
export function components(property: CardProperty): string[] {
  const value = property.values[0];
  if (value === undefined) return [];
  const parts = Array.isArray(value) ? value : [value];
  return parts.map((part) => (Array.isArray(part) ? part.map(String).join(',') : String(part)));
}

/**
 * Content negotiation between vCard 3.0 (RFC 2426 with Apple's extensions) and 4.0 (RFC 6350), after RFC 6350
 * appendix A: the same contact in the other version, every property kept (X- properties and item groups too).
 */
import {
  designFor,
  firstText,
  paramValues,
  parseCard,
  parsePropertyLine,
  propertyLine,
  serializeCard,
  type Card,
  type CardProperty,
} from './card';
import { nativeNames3, nativeNames4 } from './contact';
import type { VCardVersion } from './types';
import { dataUri, dataUriParts, fullDate, isInline, mediaTypeOf, omitsYear, uriOf, vcard3TypeOf } from './values';

/** The vCard in `version`; `text` itself when it is already that version. Throws VCardError for an invalid vCard. */
export function convertVCard(text: string, version: VCardVersion): string {
  const card = parseCard(text);
  return card.version === version ? text : serializeCard(convertCard(card, version));
}

export function convertCard(card: Card, version: VCardVersion): Card {
  if (card.version === version) return card;
  const properties = card.properties.flatMap((property) => convertProperty(property, card.version, version));
  // vCard 3.0 requires N; 4.0 does not (a group or an organization has none). An empty one says no more than none.
  if (version === '3.0' && !properties.some((property) => property.name === 'n')) {
    const at = properties.findIndex((property) => property.name === 'fn') + 1;
    properties.splice(at, 0, { name: 'n', group: null, params: {}, type: 'text', values: [['', '', '', '', '']] });
  }
  return { version, properties };
}

/** MIME directory properties (RFC 2425) that mean nothing in vCard 4.0. */
const droppedIn4 = ['profile', 'name'];

const mediaProperties = ['photo', 'logo', 'sound', 'key'];

function convertProperty(property: CardProperty, from: VCardVersion, to: VCardVersion): CardProperty[] {
  if (to === '4.0' && droppedIn4.includes(property.name)) return [];
  const converted = explicitlyConverted(property, to) ?? parsePropertyLine(propertyLine(property, designFor(from)), to);
  return [{ ...converted, params: to === '4.0' ? params4(converted) : params3(converted) }];
}

/**
 * The properties whose value or type differs between the versions; null for the others, which ical.js reads anew
 * from their line with the other version's rules (PRODID is text in 3.0 and unknown in 4.0, and so on).
 */
function explicitlyConverted(property: CardProperty, to: VCardVersion): CardProperty | null {
  const base = { group: property.group, params: { ...property.params } };
  const value = firstText(property);
  if (mediaProperties.includes(property.name)) return to === '4.0' ? media4(property) : media3(property);
  switch (property.name) {
    case 'tel': {
      // A 4.0 TEL is a URI by default, but clients write numbers there as often as tel: URIs; 3.0 has numbers.
      const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(value.trim())?.[1]?.toLowerCase();
      if (to === '4.0') return { ...base, name: 'tel', type: scheme ? 'uri' : 'text', values: [value] };
      if (scheme && scheme !== 'tel') return { ...base, name: 'tel', type: 'uri', values: [value] };
      return { ...base, name: 'tel', type: 'phone-number', values: [value.trim().replace(/^tel:/i, '')] };
    }
    case 'url':
      return { ...base, name: 'url', type: 'uri', values: [uriOf(property)] };
    case 'geo':
      return to === '4.0' ? geo4(property) : geo3(property);
    case 'tz':
      // 3.0 reads TZ as a UTC offset and 4.0 as text: a name (Europe/Paris) must say VALUE=text in 3.0.
      return {
        ...base,
        name: 'tz',
        type: /^[+-]\d{2}:?\d{2}$/.test(value.trim()) ? 'utc-offset' : 'text',
        values: [value],
      };
    case 'rev': {
      const timestamp = /T/.test(value) ? value : `${value}T00:00:00Z`;
      return { ...base, name: 'rev', type: to === '4.0' ? 'timestamp' : 'date-time', values: [timestamp] };
    }
    case 'bday':
    case 'anniversary':
    case 'deathdate':
    case 'x-anniversary':
      return to === '4.0' ? date4(property) : date3(property);
    case 'kind':
    case 'x-addressbookserver-kind': {
      const names = to === '4.0' ? nativeNames4 : nativeNames3;
      return {
        ...base,
        name: names.kind,
        type: to === '4.0' ? 'text' : 'unknown',
        values: [value.trim().toLowerCase()],
      };
    }
    case 'member':
    case 'x-addressbookserver-member': {
      const names = to === '4.0' ? nativeNames4 : nativeNames3;
      return { ...base, name: names.member, type: to === '4.0' ? 'uri' : 'unknown', values: [value.trim()] };
    }
    default:
      return null;
  }
}

/** 3.0 inline data (ENCODING=b;TYPE=JPEG) becomes a data: URI; a 3.0 URI keeps its TYPE as MEDIATYPE. */
function media4(property: CardProperty): CardProperty {
  const { encoding: _encoding, type: vcard3Type, ...params } = property.params;
  const type = Array.isArray(vcard3Type) ? vcard3Type[0] : vcard3Type;
  const value = firstText(property);
  if (property.type === 'text') return { ...property, params };
  if (isInline(property)) {
    const base64 = value.replace(/\s+/g, '');
    return {
      ...property,
      params,
      type: 'uri',
      values: [dataUri({ mediaType: mediaTypeOf(property.name, type, base64), base64 })],
    };
  }
  if (type) params.mediatype = type.includes('/') ? type.toLowerCase() : mediaTypeOf(property.name, type, '');
  return { ...property, params, type: 'uri', values: [uriOf(property)] };
}

/** A 4.0 data: URI becomes inline data (ENCODING=b;TYPE=JPEG), another URI VALUE=uri with its MEDIATYPE as TYPE. */
function media3(property: CardProperty): CardProperty {
  const { mediatype, ...params } = property.params;
  const value = firstText(property);
  const data = dataUriParts(value);
  if (data)
    return {
      ...property,
      params: { ...params, encoding: 'b', type: vcard3TypeOf(data.mediaType) },
      type: 'binary',
      values: [data.base64],
    };
  const mediaType = Array.isArray(mediatype) ? mediatype[0] : mediatype;
  if (mediaType) params.type = vcard3TypeOf(mediaType);
  return { ...property, params, type: 'uri', values: [value] };
}

/** 3.0 GEO:37.386013;-122.082932 is 4.0 GEO:geo:37.386013,-122.082932 (RFC 5870). */
function geo4(property: CardProperty): CardProperty {
  const value = property.values[0];
  const parts = Array.isArray(value) ? value.map(String) : String(value ?? '').split(';');
  if (parts.length !== 2) return { ...property, type: 'text', values: [firstText(property)] };
  return { ...property, type: 'uri', values: [`geo:${parts[0].trim()},${parts[1].trim()}`] };
}

function geo3(property: CardProperty): CardProperty {
  const match = /^geo:([^,;]+),([^,;]+)/i.exec(firstText(property).trim());
  const latitude = Number(match?.[1]);
  const longitude = Number(match?.[2]);
  if (!match || Number.isNaN(latitude) || Number.isNaN(longitude))
    return { ...property, type: 'text', values: [firstText(property)] };
  return { ...property, type: 'float', values: [[latitude, longitude]] };
}

/** The year Apple writes for a date without one (with X-APPLE-OMIT-YEAR=1604). */
const OMITTED_YEAR = '1604';

/** 3.0 dates to 4.0: X-ANNIVERSARY becomes ANNIVERSARY, Apple's year-less dates --MM-DD. */
function date4(property: CardProperty): CardProperty {
  const { 'x-apple-omit-year': _omitted, ...params } = property.params;
  const value = firstText(property).trim();
  const name = property.name === 'x-anniversary' ? 'anniversary' : property.name;
  if (omitsYear(property)) {
    const date = fullDate(value);
    if (date) return { ...property, name, params, type: 'date-and-or-time', values: [`--${date.slice(5)}`] };
  }
  if (property.type === 'text') return { ...property, name, params, type: 'text', values: [value] };
  // An X-ANNIVERSARY is unknown to ical.js: its raw text may be in the basic format (18350708).
  const date = property.name === 'x-anniversary' ? fullDate(value) : null;
  return { ...property, name, params, type: 'date-and-or-time', values: [date ?? value] };
}

/** 4.0 dates to 3.0: ANNIVERSARY becomes X-ANNIVERSARY, --MM-DD Apple's year-less form (1604-MM-DD). */
function date3(property: CardProperty): CardProperty {
  const value = firstText(property).trim();
  if (property.name === 'anniversary' || property.name === 'x-anniversary') {
    return { ...property, name: 'x-anniversary', type: 'unknown', values: [fullDate(value) ?? value] };
  }
  const partial = /^--(\d{2})-?(\d{2})$/.exec(value);
  if (partial) {
    return {
      ...property,
      params: { ...property.params, 'x-apple-omit-year': OMITTED_YEAR },
      type: 'date',
      values: [`${OMITTED_YEAR}-${partial[1]}-${partial[2]}`],
    };
  }
  if (fullDate(value)) return { ...property, type: value.includes('T') ? 'date-time' : 'date', values: [value] };
  // A year, a time or text has no 3.0 form: it stays as text.
  return { ...property, type: 'text', values: [value] };
}

/** TYPE in lower case without 3.0's defaults (internet, voice); TYPE=pref becomes PREF=1 (RFC 6350 5.3). */
function params4(property: CardProperty): CardProperty['params'] {
  const params = { ...property.params };
  const types = paramValues(property, 'type').map((type) => type.toLowerCase());
  if (types.includes('pref') && params.pref === undefined) params.pref = '1';
  const kept = types.filter((type) => !['internet', 'voice', 'pref'].includes(type));
  if (kept.length > 0) params.type = kept;
  else delete params.type;
  delete params.charset;
  return params;
}

/** TYPE in capitals as 3.0 clients write it (pref as Apple writes it); PREF becomes TYPE=pref. */
function params3(property: CardProperty): CardProperty['params'] {
  const { pref, ...params } = property.params;
  const types = paramValues(property, 'type').map((type) =>
    type.toLowerCase() === 'pref' ? 'pref' : type.toUpperCase(),
  );
  if (pref !== undefined && !types.includes('pref')) types.push('pref');
  if (types.length > 0) params.type = types;
  return params;
}

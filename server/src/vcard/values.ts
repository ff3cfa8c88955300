/**
 * Readings of vCard values shared by the field extraction, the builder and the version conversion: dates, inline
 * media, types and Apple's item labels.
 */
import { firstText, paramValues, type Card, type CardProperty } from './card';

// ---------------------------------------------------------------------------------------------------------------
// Dates

/**
 * YYYY-MM-DD when a vCard date or date-time value (either ISO 8601 format: 1815-12-10, 18151210, with a time or
 * not) holds a full, real date; null for partial dates (--1210, 1815), text, and impossible dates.
 */
export function fullDate(value: string): string | null {
  const match = /^(\d{4})-?(\d{2})-?(\d{2})(?:T|$)/.exec(value.trim());
  if (!match) return null;
  const [year, month, day] = match.slice(1).map(Number);
  const date = new Date(Date.UTC(year, month - 1, day));
  // Date.UTC rolls 1815-02-30 over into March: compare back to refuse impossible dates.
  if (date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return null;
  return `${match[1]}-${match[2]}-${match[3]}`;
}

/** Apple writes a birthday without a year as 1604-12-10 with X-APPLE-OMIT-YEAR=1604. */
export function omitsYear(property: CardProperty): boolean {
  const omitted = paramValues(property, 'x-apple-omit-year')[0];
  return omitted !== undefined && firstText(property).trim().startsWith(omitted);
}

/** The full date of a BDAY-like property, or null (see fullDate; Apple's year-less dates are partial). */
export function dateOf(property: CardProperty | undefined): string | null {
  if (!property || property.type === 'text' || omitsYear(property)) return null;
  return fullDate(firstText(property));
}

// ---------------------------------------------------------------------------------------------------------------
// Inline media (PHOTO, LOGO, SOUND, KEY)

const mediaTopLevel: Record<string, string> = { photo: 'image', logo: 'image', sound: 'audio', key: 'application' };

/** vCard 3.0 TYPE values of media that are not simply the media subtype in capitals. */
const mediaTypeByVcard3Type: Record<string, string> = {
  jpg: 'image/jpeg',
  pgp: 'application/pgp-keys',
  x509: 'application/pkix-cert',
  wave: 'audio/wav',
};

/** The media type of vCard 3.0 inline data from its TYPE (JPEG: image/jpeg), else from the data's first bytes. */
export function mediaTypeOf(propertyName: string, vcard3Type: string | undefined, base64: string): string {
  if (vcard3Type) {
    const type = vcard3Type.toLowerCase();
    if (type.includes('/')) return type;
    return mediaTypeByVcard3Type[type] ?? `${mediaTopLevel[propertyName] ?? 'application'}/${type}`;
  }
  if (base64.startsWith('/9j/')) return 'image/jpeg';
  if (base64.startsWith('iVBORw0KGgo')) return 'image/png';
  if (base64.startsWith('R0lGOD')) return 'image/gif';
  return 'application/octet-stream';
}

/** The vCard 3.0 TYPE for a media type: image/jpeg is JPEG. */
export function vcard3TypeOf(mediaType: string): string {
  const known = Object.entries(mediaTypeByVcard3Type).find(([type, media]) => media === mediaType && type !== 'jpg');
  if (known) return known[0].toUpperCase();
  return (mediaType.split('/')[1] ?? mediaType).toUpperCase();
}

export interface InlineData {
  mediaType: string;
  base64: string;
}

/** The parts of a base64 data: URI (RFC 2397), or null for any other URI. */
export function dataUriParts(uri: string): InlineData | null {
  const match = /^data:([^;,]*)((?:;[^;,]*)*);base64,(.*)$/is.exec(uri.trim());
  if (!match) return null;
  return { mediaType: (match[1] || 'application/octet-stream').toLowerCase(), base64: match[3].replace(/\s+/g, '') };
}

export const dataUri = (data: InlineData): string => `data:${data.mediaType};base64,${data.base64}`;

/** Whether a property holds vCard 3.0 inline data (ENCODING=b, or BASE64 as some clients write). */
export function isInline(property: CardProperty): boolean {
  const encoding = paramValues(property, 'encoding')[0]?.toLowerCase();
  return encoding === 'b' || encoding === 'base64';
}

/**
 * A URI value as it is meant. ical.js reads 3.0 URIs raw, and some clients escape them like text: Google writes
 * URL:http\://..., older servers data:image/jpeg;base64\,...
 */
export const uriOf = (property: CardProperty): string =>
  firstText(property)
    .trim()
    .replace(/\\([\\,;:])/g, '$1');

/** A media property as a URI: vCard 3.0 inline data becomes a data: URI, anything else is its URI (data: in 4.0). */
export function mediaUriOf(property: CardProperty): string {
  const value = firstText(property);
  if (isInline(property)) {
    const base64 = value.replace(/\s+/g, '');
    return dataUri({ mediaType: mediaTypeOf(property.name, paramValues(property, 'type')[0], base64), base64 });
  }
  return uriOf(property);
}

// ---------------------------------------------------------------------------------------------------------------
// Types and Apple's item labels

/** TYPE values that do not say what kind of address, number or email it is (RFC 2426 markers and preferences). */
export const typeMarkers: Record<'email' | 'tel' | 'adr', readonly string[]> = {
  email: ['internet', 'pref'],
  tel: ['voice', 'pref'],
  adr: ['pref', 'dom', 'intl', 'postal', 'parcel'],
};

/** TYPE values clients understand for each property; any other type is written as Apple's X-ABLabel. */
export const standardTypes: Record<'email' | 'tel' | 'adr', readonly string[]> = {
  email: ['home', 'work', 'other', 'x400'],
  tel: [
    'home',
    'work',
    'cell',
    'fax',
    'pager',
    'main',
    'other',
    'iphone',
    'text',
    'video',
    'textphone',
    'msg',
    'car',
    'isdn',
    'pcs',
    'bbs',
    'modem',
  ],
  adr: ['home', 'work', 'other'],
};

/** The X-ABLabel of a property's item group (item1.EMAIL and item1.X-ABLabel). */
export function labelPropertyOf(card: Card, property: CardProperty): CardProperty | undefined {
  if (!property.group) return undefined;
  return card.properties.find((candidate) => candidate.group === property.group && candidate.name === 'x-ablabel');
}

/** The card's X-ABLabels by item group (the first of each), for reading many properties' labels. */
export function labelsByGroup(card: Card): Map<string, CardProperty> {
  const labels = new Map<string, CardProperty>();
  for (const candidate of card.properties) {
    if (candidate.group !== null && candidate.name === 'x-ablabel' && !labels.has(candidate.group)) {
      labels.set(candidate.group, candidate);
    }
  }
  return labels;
}

/** Apple writes its own labels as _$!<Other>!$_ and custom ones as they are. */
export function decodeLabel(label: string): string {
  const builtIn = /^_\$!<(.*)>!\$_$/.exec(label.trim());
  return builtIn ? builtIn[1].toLowerCase() : label.trim();
}

/**
 * The first TYPE that is not a marker, lower-case; else the item group's label; else undefined. `labels` (from
 * labelsByGroup) saves a search of the whole card for each property.
 */
export function typeOf(
  card: Card,
  property: CardProperty,
  markers: readonly string[],
  labels?: Map<string, CardProperty>,
): string | undefined {
  const type = paramValues(property, 'type')
    .map((value) => value.toLowerCase().trim())
    .find((value) => value !== '' && !markers.includes(value));
  if (type) return type;
  const label = labels ? (property.group === null ? undefined : labels.get(property.group)) : labelPropertyOf(card, property);
  const text = label ? decodeLabel(firstText(label)) : '';
  return text === '' ? undefined : text;
}

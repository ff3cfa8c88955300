/**
 * An address object resource as a PUT stores it: validation (RFC 6352 sections 5.1 and 6.3.2.1, RFC 6350 and
 * RFC 2426) and the fields the CMS shows.
 */
import type { PostalAddress, StructuredName, TypedValue } from '../content-types/structured-values';
import { addressParts, nameParts } from '../content-types/structured-values';
import {
  components,
  firstNamed,
  firstText,
  parseCard,
  propertiesNamed,
  screenVCardText,
  valueText,
  type Card,
  type CardProperty,
} from './card';
import { dateOf, labelsByGroup, mediaUriOf, typeMarkers, typeOf, uriOf } from './values';
import { VCardError, contactKinds, type ContactFields, type ContactKind, type ParsedVCard } from './types';

/**
 * Validates one vCard and extracts what the CMS stores about it. Throws VCardError naming the CardDAV precondition
 * the text fails: valid-address-data (not one vCard, no FN, no UID), supported-address-data (not 3.0 or 4.0).
 */
export function parseVCard(text: string): ParsedVCard {
  screenVCardText(text);
  const card = parseCard(text);
  // RFC 2426 requires N as well, but Thunderbird, Evolution and others leave it out of groups and organizations.
  if (!firstNamed(card, 'fn')) {
    throw new VCardError('valid-address-data', 'The vCard has no FN (formatted name), which vCard 3.0 and 4.0 require');
  }
  const uidProperty = firstNamed(card, 'uid');
  const uid = uidProperty ? firstText(uidProperty) : '';
  if (uid.trim() === '') {
    throw new VCardError(
      'valid-address-data',
      'The vCard has no UID; CardDAV requires one in every address object (RFC 6352 section 5.1)',
    );
  }
  return { uid, version: card.version, fields: contactFieldsOf(card) };
}

/** The fields of an already parsed vCard. */
export function contactFieldsOf(card: Card): ContactFields {
  const native = card.version === '4.0' ? nativeNames4 : nativeNames3;
  const first = (name: string): string | null => {
    const property = firstNamed(card, name);
    return property ? nonEmpty(firstText(property)) : null;
  };
  const labels = labelsByGroup(card);
  const photo = firstNamed(card, 'photo');
  const photoUri = photo ? nonEmpty(mediaUriOf(photo)) : null;
  return {
    fullName: first('fn'),
    name: nameOf(firstNamed(card, 'n')),
    nickname: nicknameOf(firstNamed(card, 'nickname')),
    emails: list(propertiesNamed(card, 'email').map((property) => typedValue(card, property, 'email', labels))),
    phones: list(propertiesNamed(card, 'tel').map((property) => typedValue(card, property, 'tel', labels))),
    addresses: list(propertiesNamed(card, 'adr').map((property) => addressOf(card, property, labels))),
    organization: organizationOf(firstNamed(card, 'org')),
    title: first('title'),
    role: first('role'),
    birthday: dateOf(firstNamed(card, 'bday')),
    anniversary: dateOf(firstNamed(card, native.anniversary) ?? firstNamed(card, foreign(native).anniversary)),
    note: noteOf(firstNamed(card, 'note')),
    url: urlOf(firstNamed(card, 'url')),
    categories: list(
      propertiesNamed(card, 'categories').flatMap((property) =>
        property.values.map((value) => nonEmpty(valueText(value).trim())),
      ),
    ),
    photo: photoUri ? { uri: photoUri } : null,
    kind: kindOf(firstNamed(card, native.kind) ?? firstNamed(card, foreign(native).kind)),
    members: membersOf(card),
  };
}

/** The property names of the fields that differ between the versions (Apple's extensions stand in for 4.0's in 3.0). */
export interface VersionNames {
  anniversary: string;
  kind: string;
  member: string;
}
export const nativeNames4: VersionNames = { anniversary: 'anniversary', kind: 'kind', member: 'member' };
export const nativeNames3: VersionNames = {
  anniversary: 'x-anniversary',
  kind: 'x-addressbookserver-kind',
  member: 'x-addressbookserver-member',
};
export const foreign = (names: VersionNames): VersionNames => (names === nativeNames4 ? nativeNames3 : nativeNames4);

const nonEmpty = (text: string): string | null => (text.trim() === '' ? null : text);

function list<T>(items: (T | null)[]): T[] | null {
  const present = items.filter((item): item is T => item !== null);
  return present.length > 0 ? present : null;
}

function nameOf(property: CardProperty | undefined): StructuredName | null {
  if (!property) return null;
  const parts = components(property);
  const name: StructuredName = {};
  nameParts.forEach((part, index) => {
    const text = parts[index];
    if (text !== undefined && text.trim() !== '') name[part] = text;
  });
  return Object.keys(name).length > 0 ? name : null;
}

const urlOf = (property: CardProperty | undefined): string | null => (property ? nonEmpty(uriOf(property)) : null);

function nicknameOf(property: CardProperty | undefined): string | null {
  if (!property) return null;
  const names = property.values.map(valueText).filter((name) => name.trim() !== '');
  return names.length > 0 ? names.join(', ') : null;
}

/** ORG's name and units, joined by ", " (ORG:Acme;Research;Lab gives "Acme, Research, Lab"). */
function organizationOf(property: CardProperty | undefined): string | null {
  if (!property) return null;
  const parts = components(property).filter((part) => part.trim() !== '');
  return parts.length > 0 ? parts.join(', ') : null;
}

/** A 3.0 NOTE is multi-valued for ical.js: an unescaped comma splits it, and joining puts it back. */
function noteOf(property: CardProperty | undefined): string | null {
  return property ? nonEmpty(property.values.map(valueText).join(',')) : null;
}

/** A TEL value without its tel: scheme (4.0 writes TEL;VALUE=uri:tel:+1-555-0100). */
export function phoneNumberOf(property: CardProperty): string {
  return firstText(property).trim().replace(/^tel:/i, '');
}

function typedValue(
  card: Card,
  property: CardProperty,
  kind: 'email' | 'tel',
  labels: Map<string, CardProperty>,
): TypedValue | null {
  const value = kind === 'tel' ? phoneNumberOf(property) : firstText(property).trim();
  if (value === '') return null;
  const type = typeOf(card, property, typeMarkers[kind], labels);
  return type ? { type, value } : { value };
}

function addressOf(card: Card, property: CardProperty, labels: Map<string, CardProperty>): PostalAddress | null {
  const parts = components(property);
  const address: PostalAddress = {};
  const type = typeOf(card, property, typeMarkers.adr, labels);
  if (type) address.type = type;
  let filled = false;
  addressParts.forEach((part, index) => {
    const text = parts[index];
    if (text !== undefined && text.trim() !== '') {
      address[part] = text;
      filled = true;
    }
  });
  return filled ? address : null;
}

function kindOf(property: CardProperty | undefined): ContactKind {
  const kind = property ? firstText(property).trim().toLowerCase() : '';
  return contactKinds.find((candidate) => candidate === kind) ?? 'individual';
}

function membersOf(card: Card): string[] | null {
  const native = card.version === '4.0' ? nativeNames4 : nativeNames3;
  const own = propertiesNamed(card, native.member);
  const properties = own.length > 0 ? own : propertiesNamed(card, foreign(native).member);
  return list(properties.map((property) => nonEmpty(firstText(property).trim())));
}

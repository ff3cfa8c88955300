/**
 * The address-data of an addressbook-query or addressbook-multiget answer (RFC 6352 section 10.4).
 */
import { parseCard, serializeCard, type Card } from './card';
import { convertCard } from './convert';
import type { VCardVersion } from './types';

export interface AddressDataSelection {
  /** The version asked for; absent: the stored version. */
  version?: VCardVersion;
  /** The whole vCard (CARDDAV:allprop, or no CARDDAV:prop listed). */
  allProps: boolean;
  /** The property names asked for (case-insensitive; ITEM1.EMAIL names one item group's EMAIL). */
  props: string[];
}

/**
 * The stored vCard as the request asks for it: in `version` when given, with only the listed properties unless
 * `allProps`. UID, FN (and N in 3.0, which requires it) are always kept, so that the result is a valid vCard.
 * The whole vCard in its stored version is `text` itself, byte for byte.
 */
export function renderAddressData(text: string, request: AddressDataSelection): string {
  if (request.allProps && request.version === undefined) return text;
  const stored = parseCard(text);
  const converted = request.version !== undefined && request.version !== stored.version;
  if (request.allProps && !converted) return text;
  const card = converted && request.version ? convertCard(stored, request.version) : stored;
  if (request.allProps) return serializeCard(card);
  const selected = selectProperties(card, request.props);
  if (!converted && selected.properties.length === card.properties.length) return text;
  return serializeCard(selected);
}

function selectProperties(card: Card, names: string[]): Card {
  const wanted = new Set([...names.map((name) => name.toLowerCase()), 'uid', 'fn']);
  if (card.version === '3.0') wanted.add('n');
  const properties = card.properties.filter(
    (property) =>
      wanted.has(property.name) || (property.group !== null && wanted.has(`${property.group}.${property.name}`)),
  );
  return { ...card, properties };
}

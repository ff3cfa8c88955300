/**
 * Writing a contact edited in the CMS back into vCard: a new vCard 3.0, or the previous vCard with only the changed
 * properties rewritten, so that what clients put there (item groups and labels, X- properties, photos, parameters)
 * survives an editor's change.
 */
import {
  addressParts,
  nameParts,
  type PostalAddress,
  type StructuredName,
  type TypedValue,
} from '../content-types/structured-values';
import {
  components,
  firstNamed,
  firstText,
  paramValues,
  parseCard,
  serializeCard,
  type Card,
  type CardProperty,
  type CardValue,
} from './card';
import { contactFieldsOf, foreign, nativeNames3, nativeNames4, phoneNumberOf } from './contact';
import { VCardError, contactKinds, type ContactFields, type VCardVersion } from './types';
import { dataUriParts, fullDate, labelPropertyOf, standardTypes, typeMarkers, typeOf, vcard3TypeOf } from './values';

export const VCARD_PRODUCT_ID = '-//Strapi CalDAV//EN';

export type ContactInput = ContactFields & { uid: string };

/**
 * The vCard text for a contact edited in the CMS. Without `previous`, a complete vCard 3.0 (the version every
 * client reads). With it, the previous vCard in its own version with only the properties whose value changed
 * rewritten and REV updated; an edit that changes nothing returns `previous` unchanged.
 */
export function buildVCard(input: ContactInput, previous: string | null, now: Date = new Date()): string {
  if (typeof input.uid !== 'string' || input.uid.trim() === '') {
    throw new VCardError('valid-address-data', 'A contact needs a UID');
  }
  return previous === null ? createVCard(input, now) : editVCard(input, previous, now);
}

function createVCard(input: ContactInput, now: Date): string {
  const card: Card = { version: '3.0', properties: [] };
  const fields = normalizedFields(input);
  card.properties.push(newProperty('prodid', 'text', [VCARD_PRODUCT_ID]), newProperty('uid', 'text', [input.uid]));
  for (const write of Object.values(writers)) write(card, fields);
  touchRevision(card, now);
  return serializeCard(card);
}

function editVCard(input: ContactInput, previous: string, now: Date): string {
  const card = parseCard(previous);
  const before = JSON.stringify(card.properties);
  const old = comparable(contactFieldsOf(card));
  const fields = normalizedFields(input);
  const next = comparable(fields);

  const uid = firstNamed(card, 'uid');
  if (!uid || firstText(uid) !== input.uid) setFirst(card, 'uid', 'text', [input.uid]);
  for (const [field, write] of Object.entries(writers) as [keyof ContactFields, Writer][]) {
    // FN and N are written from each other when one is empty, so either one changing rewrites both.
    const related = field === 'fullName' || field === 'name' ? (['fullName', 'name'] as const) : [field];
    if (related.some((name) => JSON.stringify(old[name]) !== JSON.stringify(next[name]))) write(card, fields);
  }

  // A rewrite can produce what was there (N derived from an unchanged FN): then nothing changed.
  if (JSON.stringify(card.properties) === before) return previous;
  touchRevision(card, now);
  return serializeCard(card);
}

// ---------------------------------------------------------------------------------------------------------------
// The fields as they are compared and written

/** A field's text, null when empty; line breaks as LF (ical.js writes a CR as it is, which no content line may hold). */
const text = (value: string | null | undefined): string | null =>
  typeof value === 'string' && value.trim() !== '' ? value.replace(/\r\n?/g, '\n') : null;

/** A type as written: a custom one becomes an X-ABLabel, whose value is written as it is, so it must be one line. */
const typeText = (value: string | null | undefined): string | null => text(value)?.replace(/\n/g, ' ') ?? null;

function normalizedTypedValues(values: TypedValue[] | null | undefined): TypedValue[] | null {
  const entries = (values ?? [])
    .filter((entry) => typeof entry?.value === 'string' && entry.value.trim() !== '')
    .map((entry): TypedValue => {
      const type = typeText(entry.type);
      return type ? { type, value: entry.value.trim() } : { value: entry.value.trim() };
    });
  return entries.length > 0 ? entries : null;
}

function normalizedAddresses(addresses: PostalAddress[] | null | undefined): PostalAddress[] | null {
  const entries = (addresses ?? []).flatMap((address): PostalAddress[] => {
    const result: PostalAddress = {};
    const type = typeText(address?.type);
    if (type) result.type = type;
    for (const part of addressParts) {
      const value = text(address?.[part]);
      if (value !== null) result[part] = value;
    }
    return addressParts.some((part) => result[part] !== undefined) ? [result] : [];
  });
  return entries.length > 0 ? entries : null;
}

function normalizedName(name: StructuredName | null | undefined): StructuredName | null {
  const result: StructuredName = {};
  for (const part of nameParts) {
    const value = text(name?.[part]);
    if (value !== null) result[part] = value;
  }
  return Object.keys(result).length > 0 ? result : null;
}

function normalizedDate(value: string | null | undefined, field: string): string | null {
  if (!text(value)) return null;
  const date = fullDate(String(value));
  if (!date) throw new VCardError('valid-address-data', `${field} "${value}" is not a date such as 1815-12-10`);
  return date;
}

function normalizedList(values: string[] | null | undefined): string[] | null {
  const entries = (values ?? []).filter((value): value is string => text(value) !== null).map((value) => value.trim());
  return entries.length > 0 ? entries : null;
}

/** The input with empty values as null and dates as YYYY-MM-DD; it may come from JSON with fields missing. */
function normalizedFields(input: ContactFields): ContactFields {
  return {
    fullName: text(input.fullName),
    name: normalizedName(input.name),
    nickname: text(input.nickname),
    emails: normalizedTypedValues(input.emails),
    phones: normalizedTypedValues(input.phones),
    addresses: normalizedAddresses(input.addresses),
    organization: text(input.organization),
    title: text(input.title),
    role: text(input.role),
    birthday: normalizedDate(input.birthday, 'birthday'),
    anniversary: normalizedDate(input.anniversary, 'anniversary'),
    note: text(input.note),
    url: text(input.url),
    categories: normalizedList(input.categories),
    photo: text(input.photo?.uri) ? { uri: String(input.photo?.uri).trim() } : null,
    kind: contactKinds.find((kind) => kind === input.kind) ?? 'individual',
    members: normalizedList(input.members),
  };
}

/** Fields in a form where equal means unchanged: types compared without case, keys in one order. */
function comparable(fields: ContactFields): Record<keyof ContactFields, unknown> {
  const typed = (values: TypedValue[] | null) =>
    values?.map((entry) => [entry.type?.toLowerCase() ?? null, entry.value]) ?? null;
  return {
    fullName: fields.fullName,
    name: fields.name && nameParts.map((part) => fields.name?.[part] ?? ''),
    nickname: fields.nickname,
    emails: typed(fields.emails),
    phones: typed(fields.phones),
    addresses:
      fields.addresses?.map((address) => [
        address.type?.toLowerCase() ?? null,
        ...addressParts.map((part) => address[part] ?? ''),
      ]) ?? null,
    organization: fields.organization,
    title: fields.title,
    role: fields.role,
    birthday: fields.birthday,
    anniversary: fields.anniversary,
    note: fields.note,
    url: fields.url,
    categories: fields.categories,
    photo: fields.photo?.uri ?? null,
    kind: fields.kind,
    members: fields.members,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Writing fields: each writer puts one field's value into the card (used whole on create, per change on edit)

type Writer = (card: Card, fields: ContactFields) => void;

const writers: Record<keyof ContactFields, Writer> = {
  fullName: (card, fields) => setFirst(card, 'fn', 'text', [fields.fullName ?? derivedFullName(fields)]),
  name: writeName,
  nickname: (card, fields) => setOrRemove(card, 'nickname', 'text', fields.nickname),
  organization: writeOrganization,
  title: (card, fields) => setOrRemove(card, 'title', 'text', fields.title),
  role: (card, fields) => setOrRemove(card, 'role', 'text', fields.role),
  emails: (card, fields) =>
    writeList(
      card,
      'email',
      null,
      typedEntries(fields.emails, (value) => newProperty('email', 'text', [value])),
      firstTextKey,
      'email',
    ),
  phones: (card, fields) =>
    writeList(
      card,
      'tel',
      null,
      // A 4.0 TEL defaults to a URI; what an editor types is a number as text (VALUE=TEXT, as Thunderbird writes).
      typedEntries(fields.phones, (value) =>
        newProperty('tel', card.version === '3.0' ? 'phone-number' : 'text', [value]),
      ),
      phoneNumberOf,
      'tel',
    ),
  addresses: (card, fields) =>
    writeList(
      card,
      'adr',
      null,
      (fields.addresses ?? []).map((address) => ({
        key: addressKey(addressParts.map((part) => address[part] ?? '')),
        type: address.type,
        create: () => newProperty('adr', 'text', [addressParts.map((part) => address[part] ?? '')]),
      })),
      (property) => addressKey(components(property)),
      'adr',
    ),
  birthday: (card, fields) => writeDate(card, 'bday', fields.birthday),
  anniversary: (card, fields) => {
    const names = namesOf(card.version);
    removeAll(card, foreign(names).anniversary);
    writeDate(card, names.anniversary, fields.anniversary);
  },
  url: (card, fields) => setOrRemove(card, 'url', 'uri', fields.url),
  note: (card, fields) => setOrRemove(card, 'note', 'text', fields.note),
  categories: (card, fields) => {
    const existing = firstNamed(card, 'categories');
    removeAll(card, 'categories');
    if (!fields.categories) return;
    // ical.js reads "a\\,b" (the values a\ and b) as one value: it takes any comma after a backslash for an escaped
    // one. A value ending with a backslash is therefore written on a CATEGORIES line of its own.
    const lists = fields.categories.some((value) => value.endsWith('\\'))
      ? fields.categories.map((value) => [value])
      : [[...fields.categories]];
    lists.forEach((values, index) => {
      const property = index === 0 && existing ? existing : newProperty('categories', 'text', []);
      property.values = values;
      card.properties.push(property);
    });
  },
  photo: (card, fields) => {
    removeAll(card, 'photo');
    if (fields.photo) card.properties.push(photoProperty(fields.photo.uri, card.version));
  },
  kind: (card, fields) => {
    const names = namesOf(card.version);
    removeAll(card, foreign(names).kind);
    if (fields.kind === 'individual') removeAll(card, names.kind);
    else setFirst(card, names.kind, card.version === '4.0' ? 'text' : 'unknown', [fields.kind]);
  },
  members: (card, fields) => {
    const names = namesOf(card.version);
    const type = card.version === '4.0' ? 'uri' : 'unknown';
    const entries = (fields.members ?? []).map((member) => ({
      key: member,
      create: () => newProperty(names.member, type, [member]),
    }));
    writeList(card, names.member, foreign(names).member, entries, firstTextKey, null);
  },
};

const namesOf = (version: VCardVersion) => (version === '4.0' ? nativeNames4 : nativeNames3);

function newProperty(
  name: string,
  type: string,
  values: CardValue[],
  params: CardProperty['params'] = {},
): CardProperty {
  return { name, group: null, params, type, values };
}

/** Replaces the value of the first property of that name (keeping its parameters and group), or adds one. */
function setFirst(card: Card, name: string, type: string, values: CardValue[]): CardProperty {
  const existing = firstNamed(card, name);
  if (existing) {
    existing.type = type;
    existing.values = values;
    return existing;
  }
  const property = newProperty(name, type, values);
  card.properties.push(property);
  return property;
}

function removeAll(card: Card, name: string): void {
  card.properties = card.properties.filter((property) => property.name !== name);
}

function setOrRemove(card: Card, name: string, type: string, value: string | null): void {
  if (value === null) removeAll(card, name);
  else setFirst(card, name, type, [value]);
}

function formattedName(name: StructuredName | null): string {
  if (!name) return '';
  return [name.prefix, name.given, name.additional, name.family, name.suffix].filter((part) => part).join(' ');
}

/** FN is required: without a full name, the name, organization, nickname, email or phone stands in. */
function derivedFullName(fields: ContactFields): string {
  return (
    formattedName(fields.name) ||
    fields.organization ||
    fields.nickname ||
    fields.emails?.[0]?.value ||
    fields.phones?.[0]?.value ||
    ''
  );
}

/** N from FN for vCard 3.0, which requires N: "Ada King Lovelace" is Lovelace;Ada King. Groups keep FN whole. */
function derivedName(fields: ContactFields): string[] {
  const fullName = (fields.fullName ?? derivedFullName(fields)).trim();
  if (fields.kind !== 'individual' || !/\s/.test(fullName)) return [fullName, '', '', '', ''];
  const words = fullName.split(/\s+/);
  return [words[words.length - 1], words.slice(0, -1).join(' '), '', '', ''];
}

/** A structured value from texts, keeping each old component (a list such as King,Augusta) whose text is unchanged. */
function structuredValue(property: CardProperty | undefined, texts: string[]): CardValue[] {
  const oldParts = property ? components(property) : [];
  const old = property?.values[0];
  const oldRaw = Array.isArray(old) ? old : old === undefined ? [] : [old];
  return texts.map((partText, index) =>
    oldParts[index] === partText && oldRaw[index] !== undefined ? oldRaw[index] : partText,
  );
}

function writeName(card: Card, fields: ContactFields): void {
  // FN follows N when FN is derived from it.
  if (fields.fullName === null) setFirst(card, 'fn', 'text', [derivedFullName(fields)]);
  const existing = firstNamed(card, 'n');
  if (fields.name) {
    setFirst(card, 'n', 'text', [
      structuredValue(
        existing,
        nameParts.map((part) => fields.name?.[part] ?? ''),
      ),
    ]);
  } else if (card.version === '3.0') {
    setFirst(card, 'n', 'text', [structuredValue(existing, derivedName(fields))]);
  } else {
    removeAll(card, 'n');
  }
}

/** ORG from "Acme, Research": an ORG whose units still end the text keeps them and changes only its name. */
function writeOrganization(card: Card, fields: ContactFields): void {
  const organization = fields.organization;
  if (organization === null) return removeAll(card, 'org');
  const existing = firstNamed(card, 'org');
  const parts = existing ? components(existing) : [];
  const units = parts.slice(1).filter((part) => part.trim() !== '');
  const suffix = `, ${units.join(', ')}`;
  if (existing && units.length > 0 && organization.endsWith(suffix) && organization.length > suffix.length) {
    setFirst(card, 'org', 'text', [
      structuredValue(existing, [organization.slice(0, -suffix.length), ...parts.slice(1)]),
    ]);
  } else {
    setFirst(card, 'org', 'text', [[organization]]);
  }
}

/** BDAY, ANNIVERSARY (4.0) or X-ANNIVERSARY (3.0) as a full date. */
function writeDate(card: Card, name: string, date: string | null): void {
  if (date === null) return removeAll(card, name);
  const type = card.version === '4.0' ? 'date-and-or-time' : name === 'bday' ? 'date' : 'unknown';
  const property = setFirst(card, name, type, [date]);
  delete property.params['x-apple-omit-year'];
}

function photoProperty(uri: string, version: VCardVersion): CardProperty {
  if (version === '4.0') return newProperty('photo', 'uri', [uri]);
  const data = dataUriParts(uri);
  if (!data) return newProperty('photo', 'uri', [uri]);
  return newProperty('photo', 'binary', [data.base64], { encoding: 'b', type: vcard3TypeOf(data.mediaType) });
}

function touchRevision(card: Card, now: Date): void {
  const timestamp = now.toISOString().replace(/\.\d{3}Z$/, 'Z');
  setFirst(card, 'rev', card.version === '4.0' ? 'timestamp' : 'date-time', [timestamp]);
}

// ---------------------------------------------------------------------------------------------------------------
// Lists: EMAIL, TEL, ADR, members

interface ListEntry {
  /** What identifies the value (compared with `keyOf` of the existing properties). */
  key: string;
  type?: string;
  create: () => CardProperty;
}

const firstTextKey = (property: CardProperty): string => firstText(property).trim();

const addressKey = (parts: string[]): string => addressParts.map((_, index) => parts[index] ?? '').join('\u0000');

function typedEntries(values: TypedValue[] | null, create: (value: string) => CardProperty): ListEntry[] {
  return (values ?? []).map((entry) => ({ key: entry.value, type: entry.type, create: () => create(entry.value) }));
}

/**
 * Rewrites the properties of a list in the order of `entries`, where the first old ones were. An entry whose value
 * an old property already holds keeps that property (parameters, item group, label), retyped if its type changed;
 * the others are new. Old properties no entry kept go, with their item group's labels. `foreignName` is the other
 * version's name for the same list (X-ADDRESSBOOKSERVER-MEMBER for MEMBER): those go too.
 */
function writeList(
  card: Card,
  name: string,
  foreignName: string | null,
  entries: ListEntry[],
  keyOf: (property: CardProperty) => string,
  typed: 'email' | 'tel' | 'adr' | null,
): void {
  const olds = card.properties.filter((property) => property.name === name || property.name === foreignName);
  const isOld = new Set(olds);
  const kept = new Set<CardProperty>();
  const dropped = new Set<CardProperty>();
  const placed: CardProperty[] = [];
  const groups = new ItemGroups(card);
  // A card can hold tens of thousands of properties: look them up by item group rather than search it each time.
  const byGroup = new Map<string, CardProperty[]>();
  for (const property of card.properties) {
    if (property.group === null) continue;
    const members = byGroup.get(property.group);
    if (members) members.push(property);
    else byGroup.set(property.group, [property]);
  }

  for (const entry of entries) {
    const match = olds.find(
      (property) => !kept.has(property) && property.name === name && keyOf(property) === entry.key,
    );
    const property = match ?? entry.create();
    placed.push(property);
    if (match) {
      kept.add(match);
      // Its item group's other properties (item1.X-ABLabel) move with it.
      if (match.group !== null) placed.push(...(byGroup.get(match.group) ?? []).filter((other) => !isOld.has(other)));
    }
    if (!typed) continue;
    const current = match ? typeOf(card, match, typeMarkers[typed]) : undefined;
    if (!match || (current?.toLowerCase() ?? null) !== (entry.type?.toLowerCase() ?? null)) {
      const label = setType(card, property, entry.type, typed, groups, dropped);
      if (label) placed.push(label);
    }
  }

  const removed = olds.filter((property) => !kept.has(property));
  removed.forEach((property) => dropped.add(property));
  const placedGroups = new Set(placed.map((property) => property.group));
  for (const group of new Set(
    removed.map((property) => property.group).filter((group): group is string => group !== null),
  )) {
    const members = byGroup.get(group) ?? [];
    const stillUsed =
      members.some((property) => !dropped.has(property) && !property.name.startsWith('x-')) || placedGroups.has(group);
    if (!stillUsed) members.forEach((property) => dropped.add(property));
  }

  const moved = new Set([...olds, ...placed]);
  const firstOld = card.properties.findIndex((property) => isOld.has(property));
  const remaining = card.properties.filter((property) => !moved.has(property) && !dropped.has(property));
  const isRemaining = new Set(remaining);
  const at =
    firstOld === -1
      ? remaining.length
      : card.properties.slice(0, firstOld).filter((property) => isRemaining.has(property)).length;
  card.properties = [
    ...remaining.slice(0, at),
    ...placed.filter((property) => !dropped.has(property)),
    ...remaining.slice(at),
  ];
}

/** Apple's item groups: item1, item2, ... */
class ItemGroups {
  private next: number;

  constructor(card: Card) {
    // Not Math.max(...numbers): a card with a hundred thousand properties would overflow the call stack.
    this.next =
      card.properties.reduce((highest, property) => {
        const match = /^item(\d+)$/.exec(property.group ?? '');
        return match ? Math.max(highest, Number(match[1])) : highest;
      }, 0) + 1;
  }

  take(): string {
    return `item${this.next++}`;
  }
}

/**
 * Gives a property a type: a standard one as TYPE (WORK in 3.0, work in 4.0), any other as the X-ABLabel of its
 * item group, as Apple and DAVx5 write custom labels. Markers (pref, internet, voice) stay. Returns a new label
 * property to place after it, if one is needed.
 */
function setType(
  card: Card,
  property: CardProperty,
  type: string | undefined,
  kind: 'email' | 'tel' | 'adr',
  groups: ItemGroups,
  dropped: Set<CardProperty>,
): CardProperty | undefined {
  const markers = paramValues(property, 'type').filter((value) => typeMarkers[kind].includes(value.toLowerCase()));
  const label = labelPropertyOf(card, property);
  const standard = type !== undefined && standardTypes[kind].includes(type.toLowerCase());
  const types = standard ? [card.version === '3.0' ? type.toUpperCase() : type.toLowerCase(), ...markers] : markers;
  if (types.length > 0) property.params.type = types;
  else delete property.params.type;

  if (type === undefined || standard) {
    if (label) dropped.add(label);
    return undefined;
  }
  if (label) {
    label.values = [type];
    return undefined;
  }
  property.group ??= groups.take();
  return { name: 'x-ablabel', group: property.group, params: {}, type: 'unknown', values: [type] };
}

import type { Core } from '@strapi/strapi';

import type { PostalAddress, StructuredName, TypedValue } from '../content-types/structured-values';
import { contactDataFromVCard } from '../store/contact-data';
import { staleEdit } from './event-text';
import { mediaId, photoAsDataUri, photoDigest } from '../store/contact-photos';
import { CONTACT_UID } from '../uids';
import { buildVCard, parseVCard, VCardError, type ContactFields, type ContactKind } from '../vcard';

type Data = Record<string, unknown>;
type Result = { data: Data } | { problem: { field: string; message: string } };

/** The fields an editor edits that live in the vCard too. */
const CONTACT_FIELDS = [
  'fullName', 'name', 'nickname', 'emails', 'phones', 'addresses', 'organization', 'title', 'role', 'birthday',
  'anniversary', 'note', 'url', 'categories', 'kind', 'members',
] as const;

const KINDS: ContactKind[] = ['individual', 'group', 'org', 'location'];

const text = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null);
const date = (value: unknown): string | null => {
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  return typeof value === 'string' && /^\d{4}-\d{2}-\d{2}/.test(value) ? value.slice(0, 10) : null;
};
const list = <T>(value: unknown): T[] | null => (Array.isArray(value) && value.length > 0 ? (value as T[]) : null);
const record = <T>(value: unknown): T | null =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && Object.keys(value).length > 0 ? (value as T) : null;

/** The vCard fields of a stored or submitted contact; the photo stays as the vCard has it. */
function fieldsFrom(source: Data, photo: ContactFields['photo']): ContactFields {
  return {
    fullName: text(source.fullName),
    name: record<StructuredName>(source.name),
    nickname: text(source.nickname),
    emails: list<TypedValue>(source.emails),
    phones: list<TypedValue>(source.phones),
    addresses: list<PostalAddress>(source.addresses),
    organization: text(source.organization),
    title: text(source.title),
    role: text(source.role),
    birthday: date(source.birthday),
    anniversary: date(source.anniversary),
    note: text(source.note),
    url: text(source.url),
    categories: list<string>(source.categories),
    photo,
    kind: KINDS.includes(source.kind as ContactKind) ? (source.kind as ContactKind) : 'individual',
    members: list<string>(source.members),
  };
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/**
 * Keeps a contact's vCard in step with an editor's change, as event-text does for events: an edited vCard is the
 * truth; edited fields rewrite only the touched vCard properties (REV follows); a new contact gets a complete vCard.
 */
export async function withVCardText(strapi: Core.Strapi, data: Data, documentId: string | null, maxBytes: number): Promise<Result> {
  const current = documentId
    ? ((await strapi.db.query(CONTACT_UID as never).findOne({ where: { documentId }, populate: ['photo'] })) as Data | null)
    : null;
  const storedText = text(current?.vcard);
  const givenText = text(data.vcard);
  const conflict = staleEdit(data, current);
  if (conflict) return conflict;

  try {
    if (givenText !== null && givenText !== storedText) {
      return { data: { ...data, ...contactDataFromVCard(parseVCard(givenText), givenText) } };
    }
    const storedPhoto = storedText ? parseVCard(storedText).fields.photo : null;
    // An image the editor picked in the media library becomes the vCard's photo; removing it removes the photo.
    const pickedPhoto = mediaId(data.photo);
    const photoChanged = pickedPhoto !== undefined && pickedPhoto !== (mediaId(current?.photo) ?? null);
    const pickedUri = photoChanged && pickedPhoto !== null ? await photoAsDataUri(strapi, pickedPhoto, maxBytes) : null;
    const photo = photoChanged ? (pickedUri ? { uri: pickedUri } : null) : storedPhoto;
    const before = current ? fieldsFrom(current, storedPhoto) : null;
    const after = fieldsFrom({ ...(current ?? {}), ...data }, photo);
    if (!photoChanged && before && storedText && CONTACT_FIELDS.every((field) => same(before[field], after[field]))) return { data };
    if (!after.fullName) return { problem: { field: 'fullName', message: 'a contact needs a full name' } };

    const uid = text(data.uid) ?? text(current?.uid);
    if (!uid) return { problem: { field: 'uid', message: 'a contact needs a UID' } };
    const built = buildVCard({ ...after, uid }, storedText);
    const derived = contactDataFromVCard(parseVCard(built), built);
    const digest = photoChanged ? { photoDigest: pickedUri ? photoDigest(pickedUri) : null } : {};
    return { data: { ...data, ...digest, vcard: built, etag: derived.etag, size: derived.size } };
  } catch (error) {
    if (error instanceof VCardError) return { problem: { field: 'vcard', message: error.message } };
    throw error;
  }
}

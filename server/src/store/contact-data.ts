import { checkStructuredValue, clip, editableEntries } from '../content-types/structured-values';
import type { ParsedVCard } from '../vcard';
import { etagOf } from './event-data';

// String columns hold 255 characters on PostgreSQL and MySQL; the vCard text keeps the whole value.
const limits = { fullName: 255, nickname: 255, organization: 255, title: 255, role: 255, url: 2000 } as const;

/** The contact's fields as stored in the CMS, derived from a parsed vCard and its text. */
export function contactDataFromVCard(parsed: ParsedVCard, data: string) {
  const { fields } = parsed;
  return {
    uid: parsed.uid,
    kind: fields.kind,
    fullName: clip(fields.fullName, limits.fullName),
    name: fields.name && checkStructuredValue('name', fields.name) === null ? fields.name : null,
    nickname: clip(fields.nickname, limits.nickname),
    emails: editableEntries('email', fields.emails),
    phones: editableEntries('phone', fields.phones),
    addresses: editableEntries('address', fields.addresses),
    organization: clip(fields.organization, limits.organization),
    title: clip(fields.title, limits.title),
    role: clip(fields.role, limits.role),
    birthday: fields.birthday,
    anniversary: fields.anniversary,
    note: fields.note,
    url: clip(fields.url, limits.url),
    categories: editableEntries('text', fields.categories),
    members: editableEntries('text', fields.members),
    vcard: data,
    etag: etagOf(data),
    size: Buffer.byteLength(data),
  };
}

import { checkStructuredValue, editableEntries } from '../content-types/structured-values';
import type { ParsedVCard } from '../vcard';
import { etagOf } from './event-data';

const limits = { fullName: 1000, nickname: 1000, organization: 1000, title: 1000, role: 1000, url: 2000 } as const;
const clip = (value: string | null, limit: number) => (value !== null && value.length > limit ? value.slice(0, limit) : value);

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

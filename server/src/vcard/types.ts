/**
 * What the vCard layer hands to the rest of the plugin: plain data, no ical.js objects.
 */
import type { PostalAddress, StructuredName, TypedValue } from '../content-types/structured-values';

export type VCardVersion = '3.0' | '4.0';

export const vcardVersions: readonly VCardVersion[] = ['3.0', '4.0'];

export const isVCardVersion = (value: unknown): value is VCardVersion =>
  typeof value === 'string' && (vcardVersions as readonly string[]).includes(value);

/** The CardDAV preconditions (RFC 6352 sections 5.1 and 6.3.2.1) a stored vCard can fail. */
export type AddressDataPrecondition = 'valid-address-data' | 'supported-address-data';

/** A vCard that cannot be stored or read; `precondition` is the CardDAV error element to answer with. */
export class VCardError extends Error {
  readonly precondition: AddressDataPrecondition;

  constructor(precondition: AddressDataPrecondition, message: string) {
    super(message);
    this.name = 'VCardError';
    this.precondition = precondition;
  }
}

export type ContactKind = 'individual' | 'group' | 'org' | 'location';

export const contactKinds: readonly ContactKind[] = ['individual', 'group', 'org', 'location'];

/** A URI, or a data: URI for inline data (vCard 3.0 ENCODING=b becomes data:image/<type>;base64,...). */
export interface ContactPhoto {
  uri: string;
}

/** The editable fields of a contact, as the CMS stores them. Absent or empty is null, never '' or []. */
export interface ContactFields {
  /** FN. */
  fullName: string | null;
  /** N: family;given;additional;prefix;suffix, empty parts omitted (a part with several values joins them with ","). */
  name: StructuredName | null;
  /** The values of the first NICKNAME, joined by ", ". */
  nickname: string | null;
  /** EMAIL; type: the first TYPE other than internet/pref, lower-case, else Apple's X-ABLabel of the item group. */
  emails: TypedValue[] | null;
  /** TEL (without a tel: scheme); type as for emails, voice ignored too. */
  phones: TypedValue[] | null;
  /** ADR; type as for emails, pref and the delivery types (dom, intl, postal, parcel) ignored. */
  addresses: PostalAddress[] | null;
  /** ORG: the organization name and its units, joined by ", ". */
  organization: string | null;
  title: string | null;
  role: string | null;
  /** BDAY as YYYY-MM-DD when it is a full date; null for partial dates (--1210, Apple's X-APPLE-OMIT-YEAR) and text. */
  birthday: string | null;
  /** ANNIVERSARY (4.0) or X-ANNIVERSARY (3.0), as birthday. */
  anniversary: string | null;
  note: string | null;
  /** The first URL. */
  url: string | null;
  /** The values of every CATEGORIES. */
  categories: string[] | null;
  photo: ContactPhoto | null;
  /** KIND (4.0) or X-ADDRESSBOOKSERVER-KIND (3.0); individual when absent or unknown. */
  kind: ContactKind;
  /** MEMBER (4.0) or X-ADDRESSBOOKSERVER-MEMBER (3.0) values, e.g. "urn:uuid:...". */
  members: string[] | null;
}

export interface ParsedVCard {
  uid: string;
  version: VCardVersion;
  fields: ContactFields;
}

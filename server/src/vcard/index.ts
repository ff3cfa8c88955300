/**
 * The vCard layer: pure functions over vCard 3.0 and 4.0 text (no Strapi, no database). ical.js does all parsing
 * and serialization.
 */
export {
  VCardError,
  contactKinds,
  isVCardVersion,
  vcardVersions,
  type AddressDataPrecondition,
  type ContactFields,
  type ContactKind,
  type ContactPhoto,
  type ParsedVCard,
  type VCardVersion,
} from './types';
export { parseVCard } from './contact';
export { buildVCard, VCARD_PRODUCT_ID, type ContactInput } from './build';
export { convertVCard } from './convert';
export { renderAddressData, type AddressDataSelection } from './render';
export { matchesAddressbookFilter } from './filter';

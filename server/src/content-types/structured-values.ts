/**
 * Shapes of the JSON fields that hold repeated or structured parts of events and contacts. They are edited in
 * the admin with the plugin's `structured` custom field and checked here before any write, whatever its source.
 */

export type StructuredKind = 'text' | 'datetime' | 'email' | 'phone' | 'address' | 'name';

export interface TypedValue {
  type?: string;
  value: string;
}

export interface PostalAddress {
  type?: string;
  poBox?: string;
  extended?: string;
  street?: string;
  locality?: string;
  region?: string;
  postalCode?: string;
  country?: string;
}

export interface StructuredName {
  family?: string;
  given?: string;
  additional?: string;
  prefix?: string;
  suffix?: string;
}

export const addressParts = ['poBox', 'extended', 'street', 'locality', 'region', 'postalCode', 'country'] as const;
export const nameParts = ['family', 'given', 'additional', 'prefix', 'suffix'] as const;

const MAX_ITEMS = 200;
const MAX_LENGTH = 2000;

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

// A date (all-day) or a date-time with an explicit offset or Z, as ISO 8601.
const isoDateOrDateTime = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2}))?$/;

function checkOptionalStrings(record: Record<string, unknown>, keys: readonly string[], where: string): string | null {
  for (const key of Object.keys(record)) {
    if (!keys.includes(key)) return `${where} has an unknown key "${key}" (allowed: ${keys.join(', ')})`;
    const value = record[key];
    if (value !== undefined && value !== null && typeof value !== 'string') return `${where}.${key} must be text`;
    if (typeof value === 'string' && value.length > MAX_LENGTH) return `${where}.${key} is longer than ${MAX_LENGTH} characters`;
  }
  return null;
}

function checkItem(kind: Exclude<StructuredKind, 'name'>, item: unknown, where: string): string | null {
  switch (kind) {
    case 'text':
      if (typeof item !== 'string' || item.trim() === '') return `${where} must be non-empty text`;
      if (item.length > MAX_LENGTH) return `${where} is longer than ${MAX_LENGTH} characters`;
      return null;
    case 'datetime':
      if (typeof item !== 'string' || !isoDateOrDateTime.test(item) || Number.isNaN(Date.parse(item))) {
        return `${where} must be a date (2026-01-31) or a date-time with a zone (2026-01-31T09:00:00Z)`;
      }
      return null;
    case 'email':
    case 'phone': {
      if (!isPlainObject(item)) return `${where} must be an object like {"type": "work", "value": "..."}`;
      const problem = checkOptionalStrings(item, ['type', 'value'], where);
      if (problem) return problem;
      if (typeof item.value !== 'string' || item.value.trim() === '') return `${where}.value must be non-empty text`;
      if (kind === 'email' && !/^[^\s@]+@[^\s@]+$/.test(item.value.trim())) return `${where}.value is not an email address`;
      return null;
    }
    case 'address': {
      if (!isPlainObject(item)) return `${where} must be an object with address parts`;
      const problem = checkOptionalStrings(item, ['type', ...addressParts], where);
      if (problem) return problem;
      if (!addressParts.some((part) => typeof item[part] === 'string' && (item[part] as string).trim() !== '')) {
        return `${where} has no address part filled in`;
      }
      return null;
    }
  }
}

/**
 * The entries of a list that an editor's form can hold: a client may write an EMAIL that is no address, an empty
 * TEL or an odd EXDATE; its own text keeps them as written, the editable copy leaves them out.
 */
export function editableEntries<T>(kind: Exclude<StructuredKind, 'name'>, list: T[] | null): T[] | null {
  const kept = (list ?? []).filter((item) => checkStructuredValue(kind, [item]) === null).slice(0, MAX_ITEMS);
  return kept.length > 0 ? kept : null;
}

/** Returns a readable problem with the value, or null when it has the shape of its kind. Empty is always fine. */
export function checkStructuredValue(kind: StructuredKind, value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (kind === 'name') {
    return isPlainObject(value) ? checkOptionalStrings(value, nameParts, 'name') : 'must be an object with name parts';
  }
  if (!Array.isArray(value)) return 'must be a list';
  if (value.length > MAX_ITEMS) return `must have at most ${MAX_ITEMS} entries`;
  for (const [index, item] of value.entries()) {
    const problem = checkItem(kind, item, `entry ${index + 1}`);
    if (problem) return problem;
  }
  return null;
}

/**
 * A value shortened to at most `limit` UTF-16 units (what Strapi's maxLength counts), never cutting a character
 * made of two units in half.
 */
export function clip(value: string | null, limit: number): string | null {
  if (value === null || value.length <= limit) return value;
  const cut = value.slice(0, limit);
  const last = cut.charCodeAt(cut.length - 1);
  return last >= 0xd800 && last <= 0xdbff ? cut.slice(0, -1) : cut;
}

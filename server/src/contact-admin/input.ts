import { checkStructuredValue, type StructuredKind } from '../content-types/structured-values';
import { badRequest } from '../admin-api';
import type { ContactInput } from './types';

type Data = Record<string, unknown>;

/** Single-line text fields and their longest value (as in the contact schema). */
const TEXT_FIELDS = { fullName: 1000, organization: 1000, title: 1000, url: 2000 } as const;
const STRUCTURED_FIELDS: Record<'name' | 'emails' | 'phones' | 'addresses', StructuredKind> = {
  name: 'name',
  emails: 'email',
  phones: 'phone',
  addresses: 'address',
};
const FIELDS = [...Object.keys(TEXT_FIELDS), ...Object.keys(STRUCTURED_FIELDS), 'birthday', 'note', 'photo'];

const MAX_NOTE = 100_000;

export function objectBody(body: unknown): Data {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw badRequest('Send the contact as a JSON object.');
  return body as Data;
}

function isRealDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const parsed = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString().slice(0, 10) === value;
}

/**
 * The editor's fields as document data, checked so that each mistake gets a message naming the field; left-out
 * fields stay as they are, `null` or "" clears one. The document rules check the structured lists again on write.
 */
export function contactFields(body: Data, extra: readonly string[] = []): ContactInput {
  const unknown = Object.keys(body).filter((key) => !FIELDS.includes(key) && !extra.includes(key));
  if (unknown.length > 0) throw badRequest(`Unknown field${unknown.length > 1 ? 's' : ''} ${unknown.map((key) => `"${key}"`).join(', ')} (allowed: ${FIELDS.join(', ')}).`);
  const fields: ContactInput = {};

  for (const [key, max] of Object.entries(TEXT_FIELDS) as Array<[keyof typeof TEXT_FIELDS, number]>) {
    const value = body[key];
    if (value === undefined) continue;
    if (value !== null && typeof value !== 'string') throw badRequest(`"${key}" must be text or null.`);
    const trimmed = value?.trim() ?? '';
    if (trimmed.length > max) throw badRequest(`"${key}" is longer than ${max} characters.`);
    if (/[\r\n]/.test(trimmed)) throw badRequest(`"${key}" must be a single line.`);
    fields[key] = trimmed === '' ? null : trimmed;
  }
  if (typeof fields.url === 'string' && !/^[a-z][a-z0-9+.-]*:\S+$/i.test(fields.url)) {
    throw badRequest('"url" must be a web address with its scheme, like https://example.com.');
  }

  if (body.note !== undefined) {
    if (body.note !== null && typeof body.note !== 'string') throw badRequest('"note" must be text or null.');
    if (typeof body.note === 'string' && body.note.length > MAX_NOTE) throw badRequest(`"note" is longer than ${MAX_NOTE} characters.`);
    fields.note = body.note === null || body.note.trim() === '' ? null : body.note;
  }

  if (body.birthday !== undefined) {
    const value = body.birthday;
    if (value !== null && value !== '' && (typeof value !== 'string' || !isRealDate(value))) {
      throw badRequest('"birthday" must be a date like 1990-04-25, or null.');
    }
    fields.birthday = value === '' ? null : (value as string | null);
  }

  for (const [key, kind] of Object.entries(STRUCTURED_FIELDS) as Array<[keyof typeof STRUCTURED_FIELDS, StructuredKind]>) {
    let value = body[key];
    if (value === undefined) continue;
    // An empty list or name is no value: stored as null, as the Content Manager's input does.
    if (Array.isArray(value) && value.length === 0) value = null;
    if (key === 'name' && typeof value === 'object' && value !== null && !Array.isArray(value)) {
      const parts = Object.entries(value as Data).filter(([, part]) => part !== '' && part !== null && part !== undefined);
      value = parts.length > 0 ? Object.fromEntries(parts) : null;
    }
    const problem = checkStructuredValue(kind, value);
    if (problem) throw badRequest(`"${key}": ${problem}.`);
    (fields as Data)[key] = value;
  }

  if (body.photo !== undefined) {
    const value = body.photo;
    if (value !== null && !(typeof value === 'number' && Number.isInteger(value) && value > 0)) {
      throw badRequest('"photo" must be the id of an image in the media library, or null to remove the photo.');
    }
    fields.photo = value;
  }
  return fields;
}

export interface ListQuery {
  q: string;
  page: number;
  pageSize: number;
}

const MAX_PAGE_SIZE = 100;

function positive(value: unknown, name: string, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  if (typeof value !== 'string' || !/^\d+$/.test(value) || Number(value) < 1) throw badRequest(`"${name}" must be a whole number of at least 1.`);
  return Number(value);
}

/** `?q=&page=&pageSize=` as Strapi's own lists take them (page from 1, 25 a page, at most 100). */
export function listQuery(query: Record<string, unknown>): ListQuery {
  const q = query.q ?? '';
  if (typeof q !== 'string') throw badRequest('"q" must be a single piece of text.');
  if (q.length > 200) throw badRequest('"q" is longer than 200 characters.');
  const pageSize = positive(query.pageSize, 'pageSize', 25);
  if (pageSize > MAX_PAGE_SIZE) throw badRequest(`"pageSize" must be at most ${MAX_PAGE_SIZE}.`);
  return { q: q.trim(), page: positive(query.page, 'page', 1), pageSize };
}

/**
 * App passwords: named, random secrets a user gives to one calendar or contacts app instead of their account
 * password, revoked one by one. Users who sign in with a social provider have no account password at all, so for
 * them these are the only way to sign in over HTTP Basic.
 *
 * Only a SHA-256 hash of each secret is stored. A fast hash is enough here: the secret is 200 random bits, so
 * there is nothing to guess from the hash, unlike a human-chosen password that needs bcrypt.
 */

import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

import type { Core } from '@strapi/strapi';

import { APP_PASSWORD_UID, USER_UID } from '../uids';

/** RFC 4648 base32 in lower case: no 0/1/8/9, so nothing to confuse with o, l or b when typed from a screen. */
const ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567';
const SECRET_BYTES = 25;
/** 25 bytes are 200 bits, exactly 40 base32 characters, shown as 8 groups of 5. */
const SECRET_LENGTH = 40;
const GROUP = 5;
const NAME_MAX = 100;
/** lastUsedAt is written at most this often per password, not on every request of a sync. */
const LAST_USED_RESOLUTION_MS = 60 * 1000;

/** The user an app password belongs to, with what sign-in needs to decide. */
export interface AppPasswordOwner {
  id: number;
  documentId: string;
  username: string;
  email: string | null;
  provider: string | null;
  confirmed: boolean | null;
  blocked: boolean | null;
}

export interface AppPasswordSummary {
  documentId: string;
  name: string;
  createdAt: string;
  lastUsedAt: string | null;
}

export interface CreatedAppPassword {
  documentId: string;
  name: string;
  createdAt: string;
  /** The secret, in readable groups; it is not stored and cannot be shown again. */
  password: string;
}

/** A request to create an app password that cannot be honoured; the message is meant for the user. */
export class AppPasswordInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AppPasswordInputError';
  }
}

interface AppPasswordRow {
  id: number;
  documentId: string;
  name: string;
  secretHash: string | null;
  createdAt: string | Date;
  lastUsedAt: string | Date | null;
  user?: AppPasswordOwner | null;
}

const ownerFields = ['id', 'documentId', 'username', 'email', 'provider', 'confirmed', 'blocked'];
const summaryFields = ['id', 'documentId', 'name', 'createdAt', 'lastUsedAt'];

const toIso = (value: string | Date): string => new Date(value).toISOString();

function toSummary(row: AppPasswordRow): AppPasswordSummary {
  return { documentId: row.documentId, name: row.name, createdAt: toIso(row.createdAt), lastUsedAt: row.lastUsedAt ? toIso(row.lastUsedAt) : null };
}

/** A new secret in its canonical form: 40 base32 characters. */
export function generateSecret(): string {
  const bytes = randomBytes(SECRET_BYTES);
  let bits = 0;
  let value = 0;
  let text = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      text += ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
    value &= (1 << bits) - 1;
  }
  return text;
}

/** The secret as shown to the user: groups of five, which are easier to read out and type. */
export function formatSecret(canonical: string): string {
  const groups: string[] = [];
  for (let start = 0; start < canonical.length; start += GROUP) groups.push(canonical.slice(start, start + GROUP));
  return groups.join('-');
}

/**
 * The secret as hashed: without the group separators, spaces or capitals that people add when typing it into a
 * phone. Null when the text cannot be an app password at all, which spares a database query for account passwords.
 */
export function canonicalSecret(text: string): string | null {
  const canonical = text.replace(/[\s-]+/g, '').toLowerCase();
  return canonical.length === SECRET_LENGTH && /^[a-z2-7]+$/.test(canonical) ? canonical : null;
}

export const hashSecret = (canonical: string): string => createHash('sha256').update(canonical).digest('hex');

/** The trimmed name, or an AppPasswordInputError saying what is wrong with it. */
export function validateName(value: unknown): string {
  if (value === undefined || value === null) throw new AppPasswordInputError('"name" is required: say which app this password is for, e.g. "Phone calendar".');
  if (typeof value !== 'string') throw new AppPasswordInputError('"name" must be a string.');
  const name = value.trim();
  if (name.length === 0) throw new AppPasswordInputError('"name" must not be empty.');
  if (name.length > NAME_MAX) throw new AppPasswordInputError(`"name" must be at most ${NAME_MAX} characters (got ${name.length}).`);
  if (/\p{Cc}/u.test(name)) throw new AppPasswordInputError('"name" must not contain line breaks or other control characters.');
  return name;
}

export function createAppPasswordStore(strapi: Core.Strapi) {
  const rows = () => strapi.db.query(APP_PASSWORD_UID as never);

  return {
    async list(ownerId: number): Promise<AppPasswordSummary[]> {
      const found = (await rows().findMany({ select: summaryFields, where: { user: { id: ownerId } }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] })) as AppPasswordRow[];
      return found.map(toSummary);
    },

    /** Creates a password for the user; the returned secret is the only copy there will ever be. */
    async create(owner: { documentId: string }, name: unknown): Promise<CreatedAppPassword> {
      const validName = validateName(name);
      const secret = generateSecret();
      const created = (await strapi.documents(APP_PASSWORD_UID as never).create({
        data: { name: validName, user: owner.documentId, secretHash: hashSecret(secret) } as never,
      })) as unknown as AppPasswordRow;
      return { documentId: created.documentId, name: created.name, createdAt: toIso(created.createdAt), password: formatSecret(secret) };
    },

    /** Deletes the password; with `ownerId`, only if it is that user's. False when there was nothing to delete. */
    async revoke(documentId: string, ownerId?: number): Promise<boolean> {
      const where = ownerId === undefined ? { documentId } : { documentId, user: { id: ownerId } };
      const row = (await rows().findOne({ select: ['id', 'documentId'], where })) as Pick<AppPasswordRow, 'id' | 'documentId'> | null;
      if (!row) return false;
      await strapi.documents(APP_PASSWORD_UID as never).delete({ documentId: row.documentId });
      return true;
    },

    /**
     * The owner of the app password `password` when `identifier` is their username or email (whatever their
     * provider) and `maySignIn` accepts them; only then is the use recorded. Read from the database on every call,
     * so a revoked password stops working at once.
     */
    async verify(identifier: string, password: string, maySignIn: (owner: AppPasswordOwner) => boolean): Promise<AppPasswordOwner | null> {
      const canonical = canonicalSecret(password);
      if (!canonical) return null;
      const hash = hashSecret(canonical);
      const row = (await rows().findOne({
        select: ['id', 'secretHash', 'lastUsedAt'],
        where: { secretHash: hash },
        populate: { user: { select: ownerFields } },
      })) as AppPasswordRow | null;
      const stored = Buffer.from(row?.secretHash ?? '', 'hex');
      const given = Buffer.from(hash, 'hex');
      if (!row || stored.length !== given.length || !timingSafeEqual(stored, given)) return null;
      const owner = row.user;
      if (!owner) return null;
      const matches = owner.username === identifier || owner.email?.toLowerCase() === identifier.toLowerCase();
      if (!matches || !maySignIn(owner)) return null;
      const lastUsed = row.lastUsedAt ? new Date(row.lastUsedAt).getTime() : 0;
      if (Date.now() - lastUsed >= LAST_USED_RESOLUTION_MS) {
        // Bookkeeping only: a failed write must not fail the sign-in.
        await rows()
          .update({ where: { id: row.id }, data: { lastUsedAt: new Date() } })
          .catch((error: unknown) => strapi.log.warn(`caldav: could not record the use of an app password: ${error instanceof Error ? error.message : String(error)}`));
      }
      return owner;
    },
  };
}

export type AppPasswordStore = ReturnType<typeof createAppPasswordStore>;

/** Finds a users-permissions user by numeric id or documentId, as the admin routes name them. */
export async function findUser(strapi: Core.Strapi, userId: string): Promise<{ id: number; documentId: string } | null> {
  if (/^\d+$/.test(userId) && !/^\d{1,9}$/.test(userId)) return null; // beyond any id column; would be a database error
  const where = /^\d+$/.test(userId) ? { id: Number(userId) } : { documentId: userId };
  return (await strapi.db.query(USER_UID as never).findOne({ select: ['id', 'documentId'], where })) as { id: number; documentId: string } | null;
}

export interface AppPasswordUser {
  documentId: string;
  username: string;
  email: string | null;
  blocked: boolean;
}

/** Users whose username or email contains `query` (all when empty), for support staff to pick one; at most 20. */
export async function searchUsers(strapi: Core.Strapi, query: unknown): Promise<AppPasswordUser[]> {
  if (query !== undefined && typeof query !== 'string') throw new AppPasswordInputError('"q" must be text: part of a username or email.');
  const q = (query ?? '').trim().slice(0, 255);
  const rows = (await strapi.db.query(USER_UID as never).findMany({
    select: ['documentId', 'username', 'email', 'blocked'],
    where: q ? { $or: [{ username: { $containsi: q } }, { email: { $containsi: q } }] } : {},
    orderBy: [{ username: 'asc' }],
    limit: 20,
  })) as Array<{ documentId: string; username: string; email: string | null; blocked: boolean | null }>;
  return rows.map((row) => ({ documentId: row.documentId, username: row.username, email: row.email, blocked: row.blocked === true }));
}

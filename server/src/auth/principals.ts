import { createHash } from 'node:crypto';

import type { Core } from '@strapi/strapi';

import type { Principal } from '../dav/backend';
import type { Authentication } from '../dav/server';
import { USER_UID } from '../uids';
import { parseAuthorization } from './credentials';

interface UserRow {
  id: number;
  documentId: string;
  username: string;
  email: string | null;
  password: string | null;
  provider: string | null;
  confirmed: boolean | null;
  blocked: boolean | null;
}

interface RememberedCredential {
  userId: number;
  passwordHash: string;
  expiresAt: number;
}

/** How long a verified password is trusted without bcrypt, and how many such entries are kept. */
const REMEMBER_MS = 5 * 60 * 1000;
const REMEMBER_MAX = 10_000;

const userFields = ['id', 'documentId', 'username', 'email', 'password', 'provider', 'confirmed', 'blocked'];

export function toPrincipal(user: Pick<UserRow, 'id' | 'documentId' | 'username' | 'email'>): Principal {
  return { id: user.id, documentId: user.documentId, username: user.username, email: user.email, displayName: user.username };
}

/** A user may act as a principal only while their account is usable for logging in. */
const isActive = (user: UserRow) => user.blocked !== true && user.confirmed !== false;

/**
 * Who is making a request: HTTP Basic with a users-permissions identifier (username or email) and password, or a
 * users-permissions JWT as a Bearer token. Clients send Basic on every request and bcrypt is slow by design, so a
 * verified credential is remembered for a few minutes, keyed by a hash of it; the entry only counts while the
 * user's stored password hash is unchanged and the account is still active.
 */
export function createPrincipalAuthenticator(strapi: Core.Strapi) {
  const remembered = new Map<string, RememberedCredential>();
  const users = () => strapi.db.query(USER_UID as never);

  const remember = (key: string, user: UserRow) => {
    if (remembered.size >= REMEMBER_MAX) {
      const oldest = remembered.keys().next().value;
      if (oldest !== undefined) remembered.delete(oldest);
    }
    remembered.set(key, { userId: user.id, passwordHash: user.password ?? '', expiresAt: Date.now() + REMEMBER_MS });
  };

  async function byPassword(identifier: string, password: string): Promise<Principal | null> {
    const key = createHash('sha256').update(identifier).update('\u0000').update(password).digest('hex');
    const cached = remembered.get(key);
    if (cached && cached.expiresAt > Date.now()) {
      const user = (await users().findOne({ select: userFields, where: { id: cached.userId } })) as UserRow | null;
      if (user && isActive(user) && user.password === cached.passwordHash) return toPrincipal(user);
      remembered.delete(key);
    }

    const user = (await users().findOne({
      select: userFields,
      where: { provider: 'local', $or: [{ email: identifier.toLowerCase() }, { username: identifier }] },
    })) as UserRow | null;
    if (!user || !user.password || !isActive(user)) return null;
    const valid = (await strapi.plugin('users-permissions').service('user').validatePassword(password, user.password)) as boolean;
    if (!valid) return null;
    remember(key, user);
    return toPrincipal(user);
  }

  async function byToken(token: string): Promise<Principal | null> {
    let payload: { id?: unknown };
    try {
      payload = (await strapi.plugin('users-permissions').service('jwt').verify(token)) as { id?: unknown };
    } catch {
      return null;
    }
    if (typeof payload.id !== 'number' && typeof payload.id !== 'string') return null;
    const user = (await users().findOne({ select: userFields, where: { id: payload.id } })) as UserRow | null;
    return user && isActive(user) ? toPrincipal(user) : null;
  }

  return {
    /** Who sends the Authorization header. */
    async authenticate(authorization: string | undefined, _clientAddress: string): Promise<Authentication> {
      if (authorization === undefined || authorization.trim() === '') return { outcome: 'anonymous' };
      const credentials = parseAuthorization(authorization);
      if (!credentials) return { outcome: 'refused' };
      const principal = credentials.scheme === 'basic' ? await byPassword(credentials.identifier, credentials.password) : await byToken(credentials.token);
      return principal ? { outcome: 'signed-in', principal } : { outcome: 'refused' };
    },

    async findByUsername(username: string): Promise<Principal | null> {
      const user = (await users().findOne({ select: userFields, where: { username } })) as UserRow | null;
      return user && isActive(user) ? toPrincipal(user) : null;
    },
  };
}

export type PrincipalAuthenticator = ReturnType<typeof createPrincipalAuthenticator>;

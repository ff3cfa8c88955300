import { createHash } from 'node:crypto';

import type { Core } from '@strapi/strapi';

import type { PluginConfig } from '../config';
import type { Principal } from '../dav/backend';
import type { Authentication } from '../dav/server';
import { USER_UID } from '../uids';
import { createSchema, tables } from '../store/sql';
import { createAppPasswordStore } from './app-passwords';
import { parseAuthorization } from './credentials';
import { createLoginThrottle } from './login-throttle';
import type { PasswordVerifier } from './password-hash';

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
/** How long an account's state (password hash, blocked, confirmed) read for a remembered password is relied on. */
const USER_RECHECK_MS = 2_000;

const userFields = ['id', 'documentId', 'username', 'email', 'password', 'provider', 'confirmed', 'blocked'];

/** A hash standing for one identifier and password, for keeping track of them without keeping the secret. */
const credentialFingerprint = (identifier: string, password: string) =>
  createHash('sha256').update(identifier).update('\u0000').update(password).digest('hex');

export function toPrincipal(user: Pick<UserRow, 'id' | 'documentId' | 'username' | 'email'>): Principal {
  return { id: user.id, documentId: user.documentId, username: user.username, email: user.email, displayName: user.username };
}

/** A user may act as a principal only while their account is usable for logging in. */
const isActive = (user: Pick<UserRow, 'blocked' | 'confirmed'>) => user.blocked !== true && user.confirmed !== false;

/**
 * Who is making a request: HTTP Basic with a users-permissions identifier (username or email) and either the
 * account password or one of the user's app passwords, or a users-permissions JWT as a Bearer token.
 *
 * Clients send Basic on every request and bcrypt is slow by design, so a verified account password is remembered
 * for a few minutes, keyed by a hash of it; the entry only counts while the user's stored password hash is
 * unchanged and the account is still active. App passwords need no such memory (one SHA-256 and one indexed
 * query) and get none, so that revoking one takes effect at the next request.
 *
 * Failed Basic sign-ins are counted per identifier and per client address; past the limits, attempts are turned
 * away before any password is checked.
 */
export function createPrincipalAuthenticator(strapi: Core.Strapi) {
  const remembered = new Map<string, RememberedCredential>();
  const users = () => strapi.db.query(USER_UID as never);
  // Every request reads its user: plain SQL, without the query engine's per-query work.
  let columns: Record<string, string> | null = null;
  async function userWhere(attribute: 'id' | 'username', value: number | string): Promise<UserRow | null> {
    const schema = createSchema(strapi);
    columns ??= Object.fromEntries(userFields.map((field) => [field, schema.column(USER_UID, field)]));
    const table = await tables(strapi);
    const row = (await table(schema.table(USER_UID)).where(columns[attribute], value).first(columns)) as Record<string, unknown> | undefined;
    if (!row) return null;
    const flag = (value: unknown) => (value === null || value === undefined ? null : Boolean(value));
    return { ...(row as unknown as UserRow), id: Number(row.id), confirmed: flag(row.confirmed), blocked: flag(row.blocked) };
  }
  const appPasswords = createAppPasswordStore(strapi);
  const throttle = createLoginThrottle(() => (strapi.config.get('plugin::caldav') as PluginConfig).loginThrottle);

  // A client sends a burst of requests; its account row is read again at most every USER_RECHECK_MS. Any change to
  // accounts made through Strapi in this process forgets what was read, so that a password change or a blocked
  // account takes effect at once (and within USER_RECHECK_MS when another process of the site made it).
  const recentUsers = new Map<number, { user: UserRow | null; readAt: number }>();
  const forgetUsers = () => recentUsers.clear();
  strapi.db.lifecycles.subscribe({
    models: [USER_UID],
    afterCreate: forgetUsers,
    afterUpdate: forgetUsers,
    afterUpdateMany: forgetUsers,
    afterDelete: forgetUsers,
    afterDeleteMany: forgetUsers,
  });
  async function recentUser(id: number): Promise<UserRow | null> {
    const recent = recentUsers.get(id);
    if (recent && Date.now() - recent.readAt < USER_RECHECK_MS) return recent.user;
    const user = await userWhere('id', id);
    if (recentUsers.size >= REMEMBER_MAX) recentUsers.clear();
    recentUsers.set(id, { user, readAt: Date.now() });
    return user;
  }

  const remember = (key: string, user: UserRow) => {
    if (remembered.size >= REMEMBER_MAX) {
      const oldest = remembered.keys().next().value;
      if (oldest !== undefined) remembered.delete(oldest);
    }
    remembered.set(key, { userId: user.id, passwordHash: user.password ?? '', expiresAt: Date.now() + REMEMBER_MS });
  };

  async function byAccountPassword(identifier: string, password: string): Promise<Principal | null> {
    const key = credentialFingerprint(identifier, password);
    const cached = remembered.get(key);
    if (cached && cached.expiresAt > Date.now()) {
      const user = await recentUser(cached.userId);
      if (user && isActive(user) && user.password === cached.passwordHash) return toPrincipal(user);
      remembered.delete(key);
    }

    const user = (await users().findOne({
      select: userFields,
      where: { provider: 'local', $or: [{ email: identifier.toLowerCase() }, { username: identifier }] },
    })) as UserRow | null;
    if (!user || !user.password || !isActive(user)) return null;
    const valid = await (strapi.plugin('caldav').service('passwords') as PasswordVerifier).verify(password, user.password);
    if (!valid) return null;
    remember(key, user);
    return toPrincipal(user);
  }

  async function byPassword(identifier: string, password: string): Promise<Principal | null> {
    // Tried first: it is cheap, and only text shaped like an app password reaches the database.
    const owner = await appPasswords.verify(identifier, password, isActive);
    if (owner) return toPrincipal(owner);
    return byAccountPassword(identifier, password);
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
    async authenticate(authorization: string | undefined, clientAddress: string): Promise<Authentication> {
      if (authorization === undefined || authorization.trim() === '') return { outcome: 'anonymous' };
      const credentials = parseAuthorization(authorization);
      if (!credentials) return { outcome: 'refused' };
      if (credentials.scheme === 'bearer') {
        const principal = await byToken(credentials.token);
        return principal ? { outcome: 'signed-in', principal } : { outcome: 'refused' };
      }
      const { identifier, password } = credentials;
      // Checked before the password, and the same whether or not the account exists, so that neither a right
      // guess nor the existence of an account can be told from the answer.
      const retryAfterSeconds = throttle.retryAfter(identifier, clientAddress);
      if (retryAfterSeconds !== null) return { outcome: 'throttled', retryAfterSeconds };
      const principal = await byPassword(identifier, password);
      if (!principal) {
        throttle.recordFailure(identifier, clientAddress, credentialFingerprint(identifier, password));
        return { outcome: 'refused' };
      }
      throttle.recordSuccess(identifier);
      return { outcome: 'signed-in', principal };
    },

    async findByUsername(username: string): Promise<Principal | null> {
      const user = await userWhere('username', username);
      return user && isActive(user) ? toPrincipal(user) : null;
    },
  };
}

export type PrincipalAuthenticator = ReturnType<typeof createPrincipalAuthenticator>;

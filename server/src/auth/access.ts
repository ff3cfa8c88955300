/**
 * Who may do what with a calendar or an address book: the one place that decides it. The DAV layer turns the
 * answer into privileges (dav/privileges.ts) and every method checks those.
 */

import type { Core } from '@strapi/strapi';

import type { CollectionAccess } from '../dav/backend';
import { USER_UID } from '../uids';

export type ShareAccess = 'read' | 'read-write';

/** One share of a collection: with a user, or with every user of a role. */
export interface ShareGrant {
  userId: number | null;
  roleId: number | null;
  access: ShareAccess;
}

export interface AccessSubject {
  ownerId: number | null;
  isPublic: boolean;
  shares: ShareGrant[];
}

export interface Viewer {
  id: number;
  roleId: number | null;
}

/**
 * The owner may do everything; a share gives its access (the widest of a user's shares wins, whether given to
 * them by name or through their role); a public collection is readable by anyone; otherwise there is no access.
 */
export function collectionAccess(viewer: Viewer | null, subject: AccessSubject): CollectionAccess | null {
  if (viewer && subject.ownerId !== null && subject.ownerId === viewer.id) return 'owner';
  if (viewer) {
    const matching = subject.shares.filter(
      (share) => (share.userId !== null && share.userId === viewer.id) || (share.roleId !== null && share.roleId === viewer.roleId),
    );
    if (matching.some((share) => share.access === 'read-write')) return 'read-write';
    if (matching.length > 0) return 'read';
  }
  return subject.isPublic ? 'public' : null;
}

/** How long a user's role is remembered: a request may look at many collections, each asking for it. */
const ROLE_CACHE_MS = 5_000;
const ROLE_CACHE_MAX = 10_000;

/** The users-permissions role of each user, briefly cached. */
export function createRoleLookup(strapi: Core.Strapi) {
  const cache = new Map<number, { roleId: number | null; expiresAt: number }>();
  return async function roleOf(userId: number): Promise<number | null> {
    const cached = cache.get(userId);
    if (cached && cached.expiresAt > Date.now()) return cached.roleId;
    const row = (await strapi.db.query(USER_UID as never).findOne({
      select: ['id'],
      where: { id: userId },
      populate: { role: { select: ['id'] } },
    })) as { role?: { id: number } | null } | null;
    const roleId = row?.role?.id ?? null;
    if (cache.size >= ROLE_CACHE_MAX) cache.clear();
    cache.set(userId, { roleId, expiresAt: Date.now() + ROLE_CACHE_MS });
    return roleId;
  };
}

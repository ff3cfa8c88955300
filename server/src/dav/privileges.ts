/**
 * WebDAV ACL privileges (RFC 3744) as this server grants them, and the one check every method makes before it
 * changes something.
 */

import type { CollectionAccess } from './backend';
import { DavError } from './errors';
import { NS, type QName, type XmlNode } from './model';

export type Privilege =
  | 'read'
  | 'write'
  | 'write-properties'
  | 'write-content'
  | 'bind'
  | 'unbind'
  | 'read-acl'
  | 'read-current-user-privilege-set'
  | 'read-free-busy';

/** CalDAV's read-free-busy lives in its own namespace; the others are DAV:. */
export const privilegeName = (privilege: Privilege): QName =>
  privilege === 'read-free-busy' ? { ns: NS.CALDAV, name: privilege } : { ns: NS.DAV, name: privilege };

const READ: Privilege[] = ['read', 'read-current-user-privilege-set', 'read-free-busy'];

/**
 * The privileges of each kind of access. A read-write sharee changes the members (events, contacts) but not the
 * collection's own properties or its sharing, which stay with the owner; `write` is granted only where all four
 * of its parts are.
 */
export const PRIVILEGES: Record<CollectionAccess, Privilege[]> = {
  owner: [...READ, 'write', 'write-properties', 'write-content', 'bind', 'unbind', 'read-acl'],
  'read-write': [...READ, 'write-content', 'bind', 'unbind'],
  read: READ,
  public: READ,
};

/** A user's own home and principal-level collections: theirs to fill. */
export const HOME_PRIVILEGES = PRIVILEGES.owner;
/** Shared structure of the tree (root, principals, other principals): readable only. */
export const READ_ONLY_PRIVILEGES: Privilege[] = ['read', 'read-current-user-privilege-set'];

export const grants = (access: CollectionAccess, privilege: Privilege) => PRIVILEGES[access].includes(privilege);

/**
 * Refuses a request the user lacks a privilege for: 403 with DAV:need-privileges naming the resource and the
 * privilege (RFC 3744 section 7.1.1), so that clients can tell the user the calendar is read-only.
 */
export function requirePrivilege(access: CollectionAccess, privilege: Privilege, href: string, what: string): void {
  if (grants(access, privilege)) return;
  const name = privilegeName(privilege);
  const content: XmlNode = {
    ns: NS.DAV,
    name: 'resource',
    children: [
      { ns: NS.DAV, name: 'href', children: href },
      { ns: NS.DAV, name: 'privilege', children: { ns: name.ns, name: name.name } },
    ],
  };
  throw new DavError(403, `You may not ${what}: ${access === 'public' || access === 'read' ? 'it is shared with you read-only' : 'only its owner may'}.`, { ns: NS.DAV, name: 'need-privileges' }, content);
}

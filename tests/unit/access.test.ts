import { collectionAccess, type AccessSubject } from '../../server/src/auth/access';
import { DavError } from '../../server/src/dav/errors';
import { PRIVILEGES, requirePrivilege } from '../../server/src/dav/privileges';

const subject = (overrides: Partial<AccessSubject> = {}): AccessSubject => ({ ownerId: 1, isPublic: false, shares: [], ...overrides });

describe('collectionAccess', () => {
  test('the owner has full access, even when the collection is also shared or public', () => {
    expect(collectionAccess({ id: 1, roleId: 5 }, subject({ isPublic: true, shares: [{ userId: 1, roleId: null, access: 'read' }] }))).toBe('owner');
  });

  test('a share by name or through the role gives its access; the widest wins', () => {
    const shares = [
      { userId: 2, roleId: null, access: 'read' as const },
      { userId: null, roleId: 7, access: 'read-write' as const },
    ];
    expect(collectionAccess({ id: 2, roleId: 5 }, subject({ shares }))).toBe('read');
    expect(collectionAccess({ id: 3, roleId: 7 }, subject({ shares }))).toBe('read-write');
    expect(collectionAccess({ id: 2, roleId: 7 }, subject({ shares }))).toBe('read-write');
  });

  test('nobody else has access to a private collection; everybody reads a public one', () => {
    expect(collectionAccess({ id: 9, roleId: 5 }, subject())).toBeNull();
    expect(collectionAccess(null, subject())).toBeNull();
    expect(collectionAccess(null, subject({ isPublic: true }))).toBe('public');
    expect(collectionAccess({ id: 9, roleId: null }, subject({ isPublic: true }))).toBe('public');
  });

  test('a share with a role does not match users without a role, and a collection without owner belongs to nobody', () => {
    expect(collectionAccess({ id: 4, roleId: null }, subject({ shares: [{ userId: null, roleId: 7, access: 'read' }] }))).toBeNull();
    expect(collectionAccess({ id: 4, roleId: null }, subject({ ownerId: null }))).toBeNull();
  });
});

describe('privileges', () => {
  test('a read-write sharee changes members but not the collection; readers only read', () => {
    expect(PRIVILEGES['read-write']).toEqual(expect.arrayContaining(['write-content', 'bind', 'unbind']));
    expect(PRIVILEGES['read-write']).not.toContain('write-properties');
    expect(PRIVILEGES.read.filter((privilege) => privilege.startsWith('write') || privilege.endsWith('bind'))).toEqual([]);
    expect(PRIVILEGES.public).toEqual(PRIVILEGES.read);
  });

  test('a missing privilege is a 403 naming it in DAV:need-privileges', () => {
    expect(() => requirePrivilege('owner', 'write-properties', '/dav/x/', 'rename it')).not.toThrow();
    let error: unknown;
    try {
      requirePrivilege('read', 'bind', '/dav/calendars/a/team/new.ics', 'add events');
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(DavError);
    const davError = error as DavError;
    expect(davError.status).toBe(403);
    expect(davError.precondition).toEqual({ ns: 'DAV:', name: 'need-privileges' });
    expect(JSON.stringify(davError.preconditionContent)).toContain('/dav/calendars/a/team/new.ics');
    expect(JSON.stringify(davError.preconditionContent)).toContain('"bind"');
    expect(davError.message).toMatch(/read-only/);
  });
});

import { isUnderBasePath, wellKnownRedirect } from '../../server/src/dav/router';

describe('DAV entry points', () => {
  test('only paths at or below the base path belong to the DAV tree', () => {
    expect(isUnderBasePath('/dav', '/dav')).toBe(true);
    expect(isUnderBasePath('/dav/', '/dav')).toBe(true);
    expect(isUnderBasePath('/dav/principals/ada/', '/dav')).toBe(true);
    expect(isUnderBasePath('/davx', '/dav')).toBe(false);
    expect(isUnderBasePath('/api/dav', '/dav')).toBe(false);
  });

  test('the well-known URIs redirect to the base path, with or without a trailing slash', () => {
    for (const path of ['/.well-known/caldav', '/.well-known/carddav', '/.well-known/caldav/']) {
      expect(wellKnownRedirect(path, '/dav')).toEqual({ status: 301, headers: { Location: '/dav/' } });
    }
    expect(wellKnownRedirect('/.well-known/caldav', '/groupware/dav')?.headers.Location).toBe('/groupware/dav/');
  });

  test('other well-known URIs are left to the rest of the site', () => {
    expect(wellKnownRedirect('/.well-known/openid-configuration', '/dav')).toBeNull();
    expect(wellKnownRedirect('/.well-known/caldavx', '/dav')).toBeNull();
  });
});

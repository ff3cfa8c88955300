import { createDavRouter, isUnderBasePath } from '../../server/src/dav/router';
import type { DavRequest, DavResponse } from '../../server/src/dav/types';

const request = (method: string, path: string): DavRequest => ({ method, path, headers: {} });

describe('DAV router', () => {
  const echo = async (req: DavRequest): Promise<DavResponse> => ({ status: 207, headers: {}, body: `${req.method} ${req.path}` });
  const route = createDavRouter({ basePath: '/dav', wellKnown: true }, { PROPFIND: echo });

  test('only paths at or below the base path belong to it', () => {
    expect(isUnderBasePath('/dav', '/dav')).toBe(true);
    expect(isUnderBasePath('/dav/', '/dav')).toBe(true);
    expect(isUnderBasePath('/dav/principals/ada/', '/dav')).toBe(true);
    expect(isUnderBasePath('/davx', '/dav')).toBe(false);
    expect(isUnderBasePath('/api/dav', '/dav')).toBe(false);
  });

  test('requests outside the base path are left to the rest of the site', async () => {
    expect(await route(request('GET', '/api/articles'))).toBeNull();
    expect(await route(request('PROPFIND', '/davinci'))).toBeNull();
    expect(await route(request('GET', '/.well-known/openid-configuration'))).toBeNull();
  });

  test.each(['GET', 'PROPFIND', 'OPTIONS', 'REPORT'])('%s on the well-known URIs redirects to the base path', async (method) => {
    for (const path of ['/.well-known/caldav', '/.well-known/carddav', '/.well-known/caldav/']) {
      const response = await route(request(method, path));
      expect(response).toEqual({ status: 301, headers: { Location: '/dav/' } });
    }
  });

  test('the well-known redirect can be switched off', async () => {
    const quiet = createDavRouter({ basePath: '/dav', wellKnown: false }, {});
    expect(await quiet(request('PROPFIND', '/.well-known/caldav'))).toBeNull();
  });

  test('a method with a handler reaches it, with or without the trailing slash', async () => {
    expect((await route(request('PROPFIND', '/dav')))?.body).toBe('PROPFIND /dav');
    expect((await route(request('propfind', '/dav/')))?.status).toBe(207);
  });

  test('OPTIONS lists the methods that have handlers', async () => {
    const response = await route(request('OPTIONS', '/dav/'));
    expect(response?.status).toBe(200);
    expect(response?.headers.Allow).toBe('OPTIONS, PROPFIND');
  });

  test('any other method gets 405 with the Allow header and a readable message', async () => {
    const response = await route(request('MKCALENDAR', '/dav/calendars/x/'));
    expect(response?.status).toBe(405);
    expect(response?.headers.Allow).toBe('OPTIONS, PROPFIND');
    expect(response?.body).toContain('MKCALENDAR is not supported here');
  });
});

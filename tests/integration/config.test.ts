import { http } from '../harness/http';
import { createTestStrapi, startTestServer } from '../harness/strapi';

describe('plugin configuration in a site', () => {
  test('a custom base path moves the DAV tree and the well-known redirect with it', async () => {
    const server = await startTestServer({ pluginConfig: { basePath: '/caldav' } });
    try {
      expect((await http(server.origin, 'OPTIONS', '/caldav/')).status).toBe(200);
      expect((await http(server.origin, 'PROPFIND', '/caldav/')).status).toBe(401);
      const redirect = await http(server.origin, 'PROPFIND', '/.well-known/caldav');
      expect(redirect.headers.get('location')).toBe('/caldav/');
      // The default path is an ordinary Strapi path again: Strapi's router answers, not the plugin.
      expect((await http(server.origin, 'OPTIONS', '/dav/')).headers.get('allow') ?? '').not.toContain('OPTIONS');
      expect((await http(server.origin, 'PROPFIND', '/dav/')).status).not.toBe(401);
    } finally {
      await server.stop();
    }
  });

  test('an invalid value stops Strapi at boot with a message naming the key', async () => {
    const { strapi, database } = await createTestStrapi({ pluginConfig: { basePath: 'dav/', maxResourceSize: 'big' } });
    try {
      await expect(strapi.load()).rejects.toThrow(/caldav config: .*"basePath" must start with "\/".*"maxResourceSize" must be a whole number/);
    } finally {
      await strapi.destroy().catch(() => undefined);
      await database.drop();
    }
  });
});

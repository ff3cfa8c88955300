import { startTestServer, type TestServer } from '../harness/strapi';
import { http } from '../harness/http';

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});

afterAll(async () => {
  await server?.stop();
});

test('boots', async () => {
  expect(server.strapi.plugin('caldav')).toBeDefined();
  const response = await http(server.origin, 'OPTIONS', '/dav/');
  expect(response.status).toBe(200);
});

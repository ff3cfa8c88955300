import type { TestServer } from './strapi';

export interface TestUser {
  id: number;
  documentId: string;
  username: string;
  email: string;
  password: string;
}

let counter = 0;

/** Creates a confirmed users-permissions user with the "authenticated" role, as registration would. */
export async function createUser(server: TestServer, overrides: Partial<Pick<TestUser, 'username' | 'password'>> & { blocked?: boolean } = {}): Promise<TestUser> {
  counter += 1;
  const username = overrides.username ?? `user${counter}_${Date.now().toString(36)}`;
  const password = overrides.password ?? `${username}-password`;
  const role = await server.strapi.db.query('plugin::users-permissions.role').findOne({ where: { type: 'authenticated' } });
  const user = (await server.strapi.plugin('users-permissions').service('user').add({
    username,
    email: `${username}@example.test`,
    password,
    provider: 'local',
    confirmed: true,
    blocked: overrides.blocked ?? false,
    role: role?.id,
  })) as { id: number; documentId: string };
  return { id: user.id, documentId: user.documentId, username, email: `${username}@example.test`, password };
}

/** Registers the first admin over the admin API and returns its bearer token. */
export async function registerAdmin(server: TestServer): Promise<string> {
  const response = await fetch(`${server.origin}/admin/register-admin`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ email: 'admin@example.test', firstname: 'Ada', lastname: 'Admin', password: 'Admin-password-1' }),
  });
  const body = (await response.json()) as { data?: { token?: string }; error?: { message?: string } };
  if (!response.ok || !body.data?.token) throw new Error(`admin registration failed: ${response.status} ${JSON.stringify(body)}`);
  return body.data.token;
}

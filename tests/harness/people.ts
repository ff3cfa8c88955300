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

export interface Editor {
  /** The editor's admin bearer token. */
  token: string;
  /** Gives Strapi's Editor role exactly these plugin actions (e.g. 'events.read'), replacing what it had. */
  grant(...actions: string[]): Promise<void>;
}

/** An admin user with Strapi's Editor role, signed in; `adminToken` (a Super Admin's) changes the role's actions. */
export async function createEditor(server: TestServer, adminToken: string): Promise<Editor> {
  const role = (await server.strapi.db.query('admin::role' as never).findOne({ where: { code: 'strapi-editor' } })) as { id: number };
  counter += 1;
  const email = `editor${counter}_${Date.now().toString(36)}@example.test`;
  const password = 'Editor-password-1';
  await server.strapi.service('admin::user').create({ firstname: 'Eddie', lastname: 'Editor', email, password, isActive: true, roles: [role.id] });
  const login = await fetch(`${server.origin}/admin/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  const body = (await login.json()) as { data?: { token?: string } };
  if (!body.data?.token) throw new Error(`the editor could not sign in: ${login.status}`);
  return {
    token: body.data.token,
    async grant(...actions: string[]) {
      const response = await fetch(`${server.origin}/admin/roles/${role.id}/permissions`, {
        method: 'PUT',
        headers: { Authorization: `Bearer ${adminToken}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ permissions: actions.map((action) => ({ action: `plugin::caldav.${action}`, subject: null, properties: {}, conditions: [] })) }),
      });
      if (!response.ok) throw new Error(`granting ${actions.join(', ')} failed: ${response.status}`);
    },
  };
}

import type { Core } from '@strapi/strapi';

import { contentApiRoutes } from '../routes';
import { PLUGIN_ID, ROLE_UID } from '../uids';

const PERMISSION_UID = 'plugin::users-permissions.permission';
const GRANTED_KEY = 'grantedContentApiActions';

/**
 * Content-API actions that anyone may use: the occurrences API answers only what the caller may see (public
 * calendars for visitors), as the public feeds do.
 */
const PUBLIC_HANDLERS = new Set(['occurrences.find']);

/**
 * Signed-in users manage their own feed links and app passwords through the content API, so its actions are
 * granted to the "authenticated" role, and the public ones to the "public" role too. Each action is granted once,
 * the first time the plugin sees it: a site owner who later removes it in the Users & Permissions settings keeps
 * it removed.
 */
export async function grantDefaultPermissions(strapi: Core.Strapi): Promise<void> {
  const store = strapi.store({ type: 'plugin', name: PLUGIN_ID });
  const granted = new Set(((await store.get({ key: GRANTED_KEY })) as string[] | null) ?? []);
  const handlers = [...new Set(contentApiRoutes.map((route) => route.handler))].filter((handler) => !granted.has(`plugin::${PLUGIN_ID}.${handler}`));
  if (handlers.length === 0) return;
  const roleId = async (type: string) =>
    ((await strapi.db.query(ROLE_UID as never).findOne({ select: ['id'], where: { type } })) as { id: number } | null)?.id ?? null;
  const authenticated = await roleId('authenticated');
  if (authenticated === null) return;
  const publicRole = await roleId('public');
  for (const handler of handlers) {
    const action = `plugin::${PLUGIN_ID}.${handler}`;
    const roles = PUBLIC_HANDLERS.has(handler) && publicRole !== null ? [authenticated, publicRole] : [authenticated];
    for (const role of roles) {
      const existing = await strapi.db.query(PERMISSION_UID as never).findOne({ select: ['id'], where: { action, role: { id: role } } });
      if (!existing) await strapi.db.query(PERMISSION_UID as never).create({ data: { action, role } });
    }
    granted.add(action);
  }
  await store.set({ key: GRANTED_KEY, value: [...granted] });
}

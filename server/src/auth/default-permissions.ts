import type { Core } from '@strapi/strapi';

import { contentApiRoutes } from '../routes';
import { PLUGIN_ID, ROLE_UID } from '../uids';

const PERMISSION_UID = 'plugin::users-permissions.permission';
const GRANTED_KEY = 'grantedContentApiActions';

/**
 * Signed-in users manage their own feed links and app passwords through the content API, so its actions are
 * granted to the "authenticated" role. Each action is granted once, the first time the plugin sees it: a site
 * owner who later removes it in the Users & Permissions settings keeps it removed.
 */
export async function grantDefaultPermissions(strapi: Core.Strapi): Promise<void> {
  const store = strapi.store({ type: 'plugin', name: PLUGIN_ID });
  const granted = new Set(((await store.get({ key: GRANTED_KEY })) as string[] | null) ?? []);
  const actions = [...new Set(contentApiRoutes.map((route) => `plugin::${PLUGIN_ID}.${route.handler}`))].filter((action) => !granted.has(action));
  if (actions.length === 0) return;
  const role = (await strapi.db.query(ROLE_UID as never).findOne({ select: ['id'], where: { type: 'authenticated' } })) as { id: number } | null;
  if (!role) return;
  for (const action of actions) {
    const existing = await strapi.db.query(PERMISSION_UID as never).findOne({ select: ['id'], where: { action, role: { id: role.id } } });
    if (!existing) await strapi.db.query(PERMISSION_UID as never).create({ data: { action, role: role.id } });
    granted.add(action);
  }
  await store.set({ key: GRANTED_KEY, value: [...granted] });
}

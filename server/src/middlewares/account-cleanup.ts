import type { Core } from '@strapi/strapi';

import { APP_PASSWORD_UID, ROLE_UID, SHARE_UID, USER_UID } from '../uids';

interface DeleteEvent {
  model: { uid: string };
  params: { where?: Record<string, unknown> };
  state: Record<string, unknown>;
}

/**
 * When a user or a role is deleted (from the admin, the users-permissions API or code), the shares given to them
 * and the user's app passwords go with them, rather than stay behind as rows that point at nobody. The rows are
 * found before the delete (which removes the links to them) and removed after it.
 */
export function registerAccountCleanup(strapi: Core.Strapi): void {
  const idsOf = async (uid: string, where: Record<string, unknown>): Promise<number[]> =>
    ((await strapi.db.query(uid as never).findMany({ select: ['id'], where })) as Array<{ id: number }>).map((row) => row.id);

  strapi.db.lifecycles.subscribe({
    models: [USER_UID, ROLE_UID],
    async beforeDelete(event: DeleteEvent) {
      const target = (await strapi.db.query(event.model.uid as never).findOne({ select: ['id'], where: event.params.where ?? {} })) as { id: number } | null;
      if (!target) return;
      const relation = event.model.uid === USER_UID ? 'user' : 'role';
      event.state.caldavShares = await idsOf(SHARE_UID, { [relation]: { id: target.id } });
      event.state.caldavAppPasswords = relation === 'user' ? await idsOf(APP_PASSWORD_UID, { user: { id: target.id } }) : [];
    },
    async afterDelete(event: DeleteEvent) {
      const shares = (event.state.caldavShares as number[] | undefined) ?? [];
      const appPasswords = (event.state.caldavAppPasswords as number[] | undefined) ?? [];
      if (shares.length > 0) await strapi.db.query(SHARE_UID as never).deleteMany({ where: { id: { $in: shares } } });
      if (appPasswords.length > 0) await strapi.db.query(APP_PASSWORD_UID as never).deleteMany({ where: { id: { $in: appPasswords } } });
    },
  } as never);
}

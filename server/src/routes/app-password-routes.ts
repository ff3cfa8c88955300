import type { FeatureRoutes } from './types';

/** Support staff manage a user's app passwords from the admin panel; Super Admins hold this action already. */
const canManage = { name: 'admin::hasPermissions', config: { actions: ['plugin::caldav.app-passwords.manage'] } };

const routes: FeatureRoutes = {
  // Signed-in users (users-permissions JWT), each for their own passwords: /api/caldav/app-passwords
  contentApi: [
    { method: 'GET', path: '/app-passwords', handler: 'app-passwords.list' },
    { method: 'POST', path: '/app-passwords', handler: 'app-passwords.create' },
    { method: 'DELETE', path: '/app-passwords/:documentId', handler: 'app-passwords.revoke' },
  ],
  // Admin panel users, for any user: /caldav/...
  admin: [
    { method: 'GET', path: '/app-password-users', handler: 'app-passwords.searchUsers', config: { policies: [canManage] } },
    { method: 'GET', path: '/users/:userId/app-passwords', handler: 'app-passwords.listForUser', config: { policies: [canManage] } },
    { method: 'POST', path: '/users/:userId/app-passwords', handler: 'app-passwords.createForUser', config: { policies: [canManage] } },
    { method: 'DELETE', path: '/app-passwords/:documentId', handler: 'app-passwords.revokeAny', config: { policies: [canManage] } },
  ],
};

export default routes;

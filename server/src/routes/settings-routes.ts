import type { FeatureRoutes } from './types';

const canManage = { name: 'admin::hasPermissions', config: { actions: ['plugin::caldav.settings.manage'] } };

const routes: FeatureRoutes = {
  contentApi: [],
  // The settings page of the admin panel: /caldav/settings
  admin: [
    { method: 'GET', path: '/settings', handler: 'settings.read', config: { policies: [canManage] } },
    { method: 'PUT', path: '/settings', handler: 'settings.update', config: { policies: [canManage] } },
    // What the content sources form offers: collection types with their attributes, roles, locales.
    { method: 'GET', path: '/settings/content-types', handler: 'settings.contentTypes', config: { policies: [canManage] } },
  ],
};

export default routes;

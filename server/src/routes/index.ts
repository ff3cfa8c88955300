import appPasswordRoutes from './app-password-routes';
import calendarAdminRoutes from './calendar-admin-routes';
import contactAdminRoutes from './contact-admin-routes';
import feedRoutes from './feed-routes';
import importRoutes from './import-routes';
import occurrenceRoutes from './occurrence-routes';
import settingsRoutes from './settings-routes';
import type { PluginRoute } from './types';
import workspaceRoutes from './workspace-routes';

const features = [occurrenceRoutes, feedRoutes, appPasswordRoutes, importRoutes, workspaceRoutes, settingsRoutes, calendarAdminRoutes, contactAdminRoutes];

export const contentApiRoutes: PluginRoute[] = features.flatMap((feature) => feature.contentApi);

export default {
  'content-api': { type: 'content-api', routes: contentApiRoutes },
  admin: { type: 'admin', routes: features.flatMap((feature) => feature.admin) },
};

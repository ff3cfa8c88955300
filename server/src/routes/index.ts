import appPasswordRoutes from './app-password-routes';
import feedRoutes from './feed-routes';
import type { PluginRoute } from './types';

const features = [feedRoutes, appPasswordRoutes];

export const contentApiRoutes: PluginRoute[] = features.flatMap((feature) => feature.contentApi);

export default {
  'content-api': { type: 'content-api', routes: contentApiRoutes },
  admin: { type: 'admin', routes: features.flatMap((feature) => feature.admin) },
};

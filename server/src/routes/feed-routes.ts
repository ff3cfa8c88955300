import type { FeatureRoutes } from './types';

const routes: FeatureRoutes = {
  // Signed-in users (users-permissions JWT), each for their own calendars: /api/caldav/...
  contentApi: [
    { method: 'GET', path: '/feed-links', handler: 'feeds.list' },
    { method: 'POST', path: '/calendars/:slug/feed-token', handler: 'feeds.createToken' },
    { method: 'DELETE', path: '/calendars/:slug/feed-token', handler: 'feeds.deleteToken' },
  ],
  admin: [],
};

export default routes;

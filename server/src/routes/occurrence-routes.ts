import type { FeatureRoutes } from './types';

const routes: FeatureRoutes = {
  // The site's front end: /api/caldav/occurrences?calendar=<slug>&start=&end=. Site owners allow it per role in
  // Users & Permissions, like any content-API route; it is allowed to the public and authenticated roles once.
  contentApi: [{ method: 'GET', path: '/occurrences', handler: 'occurrences.find' }],
  admin: [],
};

export default routes;

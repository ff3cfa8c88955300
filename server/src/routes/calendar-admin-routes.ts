import type { FeatureRoutes } from './types';

const routes: FeatureRoutes = { contentApi: [], admin: [] };

export default routes;

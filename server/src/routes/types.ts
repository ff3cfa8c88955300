/** A plugin route as Strapi's router takes it; `handler` is `<controller>.<action>`. */
export interface PluginRoute {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: string;
  handler: string;
  config?: { policies?: unknown[]; auth?: false | { scope?: string[] } };
}

/** The routes of one feature, for the content API (users-permissions users) and for the admin panel. */
export interface FeatureRoutes {
  contentApi: PluginRoute[];
  admin: PluginRoute[];
}

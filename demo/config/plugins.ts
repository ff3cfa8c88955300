import { repositoryDir } from './paths';

export default ({ env }) => ({
  'users-permissions': { config: { jwtSecret: env('JWT_SECRET') } },
  // The plugin, linked from this repository (its built dist/, which `npm run demo` builds first).
  caldav: {
    enabled: true,
    resolve: repositoryDir,
    config: {
      basePath: '/dav',
    },
  },
});

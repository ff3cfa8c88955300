import type { FeatureRoutes } from './types';

/** Each route asks for the admin action an editor's role must hold (Settings → Roles → Plugins → CalDAV). */
const allowed = (action: string) => ({ policies: [{ name: 'admin::hasPermissions', config: { actions: [`plugin::caldav.${action}`] } }] });

const routes: FeatureRoutes = {
  contentApi: [],
  // The admin's calendar page: /caldav/workspace/...
  admin: [
    // The page needs the calendars to show any event, so reading events is enough to list them.
    { method: 'GET', path: '/workspace/calendars', handler: 'workspace.calendars', config: allowed('events.read') },
    { method: 'GET', path: '/workspace/occurrences', handler: 'workspace.occurrences', config: allowed('events.read') },
    { method: 'POST', path: '/workspace/events', handler: 'workspace.create', config: allowed('events.create') },
    { method: 'PUT', path: '/workspace/events/:documentId', handler: 'workspace.update', config: allowed('events.update') },
    { method: 'DELETE', path: '/workspace/events/:documentId', handler: 'workspace.remove', config: allowed('events.delete') },
    { method: 'POST', path: '/workspace/events/:documentId/publish', handler: 'workspace.publish', config: allowed('events.update') },
    { method: 'POST', path: '/workspace/events/:documentId/unpublish', handler: 'workspace.unpublish', config: allowed('events.update') },
  ],
};

export default routes;

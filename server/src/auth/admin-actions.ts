import type { Core } from '@strapi/strapi';

import { PLUGIN_ID } from '../uids';

/** An admin RBAC action as Strapi's permission service registers it; its id becomes `plugin::caldav.<uid>`. */
interface AdminAction {
  section: 'plugins';
  pluginName: string;
  uid: string;
  displayName: string;
  subCategory: string;
}

interface ActionProvider {
  registerMany(actions: AdminAction[]): Promise<unknown>;
}

const action = (subCategory: string, uid: string, displayName: string): AdminAction => ({
  section: 'plugins',
  pluginName: PLUGIN_ID,
  uid: `${subCategory}.${uid}`,
  displayName,
  subCategory,
});

/** What admin roles can be allowed to do with the plugin; Super Admins can do all of it. */
export const adminActions: AdminAction[] = [
  action('calendars', 'read', 'Read calendars'),
  action('calendars', 'create', 'Create calendars'),
  action('calendars', 'update', 'Update calendars'),
  action('calendars', 'delete', 'Delete calendars'),
  action('events', 'read', 'Read events'),
  action('events', 'create', 'Create events'),
  action('events', 'update', 'Update events'),
  action('events', 'delete', 'Delete events'),
  action('contacts', 'read', 'Read address books and contacts'),
  action('contacts', 'create', 'Create address books and contacts'),
  action('contacts', 'update', 'Update address books and contacts'),
  action('contacts', 'delete', 'Delete address books and contacts'),
  action('settings', 'manage', 'Manage CalDAV settings'),
  action('app-passwords', 'manage', "Manage users' app passwords"),
];

/** Registers the actions in the admin's Roles settings; must run during bootstrap, before Strapi has loaded. */
export async function registerAdminActions(strapi: Core.Strapi): Promise<void> {
  const permissions = strapi.service('admin::permission') as unknown as { actionProvider: ActionProvider };
  await permissions.actionProvider.registerMany(adminActions);
}

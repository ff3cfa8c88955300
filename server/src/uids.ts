/** Content-type UIDs of the plugin, in one place. */
export const CALENDAR_UID = 'plugin::caldav.calendar';
export const EVENT_UID = 'plugin::caldav.event';
export const ADDRESS_BOOK_UID = 'plugin::caldav.address-book';
export const CONTACT_UID = 'plugin::caldav.contact';
export const USER_UID = 'plugin::users-permissions.user';

export const PLUGIN_ID = 'caldav';
export const SYNC_CHANGE_UID = 'plugin::caldav.sync-change';
export const SHARE_UID = 'plugin::caldav.share';
export const APP_PASSWORD_UID = 'plugin::caldav.app-password';
export const ROLE_UID = 'plugin::users-permissions.role';
export const SOURCE_STATE_UID = 'plugin::caldav.source-state';
export const SCHEDULING_MESSAGE_UID = 'plugin::caldav.scheduling-message';

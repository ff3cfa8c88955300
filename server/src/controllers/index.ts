import appPasswords from './app-passwords';
import calendarAdmin from './calendar-admin';
import contactAdmin from './contact-admin';
import feeds from './feeds';
import occurrences from './occurrences';
import settings from './settings';
import transfers from './transfers';
import workspace from './workspace';

export default {
  feeds,
  occurrences,
  'app-passwords': appPasswords,
  transfers,
  settings,
  workspace,
  'calendar-admin': calendarAdmin,
  'contact-admin': contactAdmin,
};

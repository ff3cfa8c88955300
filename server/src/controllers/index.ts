import appPasswords from './app-passwords';
import feeds from './feeds';
import settings from './settings';
import transfers from './transfers';
import workspace from './workspace';

export default {
  feeds,
  'app-passwords': appPasswords,
  transfers,
  settings,
  workspace,
};

import appPasswords from './app-passwords';
import feeds from './feeds';
import transfers from './transfers';
import workspace from './workspace';

export default {
  feeds,
  'app-passwords': appPasswords,
  transfers,
  workspace,
};

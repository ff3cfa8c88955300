import appPasswords from './app-passwords';
import feeds from './feeds';

export default {
  feeds,
  'app-passwords': appPasswords,
};

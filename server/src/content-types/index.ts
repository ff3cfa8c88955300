import addressBook from './address-book';
import appPassword from './app-password';
import calendar from './calendar';
import contact from './contact';
import event from './event';
import schedulingMessage from './scheduling-message';
import share from './share';
import sourceState from './source-state';
import syncChange from './sync-change';

export default {
  calendar,
  event,
  'address-book': addressBook,
  contact,
  share,
  'app-password': appPassword,
  'sync-change': syncChange,
  'source-state': sourceState,
  'scheduling-message': schedulingMessage,
};

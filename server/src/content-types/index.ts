import addressBook from './address-book';
import calendar from './calendar';
import contact from './contact';
import event from './event';
import syncChange from './sync-change';

export default {
  calendar,
  event,
  'address-book': addressBook,
  contact,
  'sync-change': syncChange,
};

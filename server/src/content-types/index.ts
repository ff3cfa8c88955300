import addressBook from './address-book';
import calendar from './calendar';
import contact from './contact';
import event from './event';

export default {
  calendar,
  event,
  'address-book': addressBook,
  contact,
};

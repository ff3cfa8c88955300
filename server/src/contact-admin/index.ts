export { createContactAdmin, refusal } from './contacts';
export { ContactAdminError } from './errors';
export type * from './types';

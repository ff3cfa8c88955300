export { createContactAdmin } from './contacts';
export { STALE_MESSAGE } from './errors';
export type * from './types';

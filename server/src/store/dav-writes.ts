import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * Marks writes that carry a client's iCalendar text: the document rules then take the text as the truth and derive
 * the fields from it, instead of rebuilding the text from the fields as they do for an editor's change.
 */
const davWrite = new AsyncLocalStorage<true>();

export function asDavWrite<T>(write: () => Promise<T>): Promise<T> {
  return davWrite.run(true, write);
}

export function isDavWrite(): boolean {
  return davWrite.getStore() === true;
}

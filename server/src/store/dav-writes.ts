import { AsyncLocalStorage } from 'node:async_hooks';

import { errors } from '@strapi/utils';

import { DavError } from '../dav/errors';
import type { QName } from '../dav/model';

/**
 * Marks writes that carry a client's iCalendar or vCard text: the document rules then take the text as the truth
 * and derive the fields from it, instead of rebuilding the text from the fields as they do for an editor's change.
 */
const davWrite = new AsyncLocalStorage<true>();

/**
 * Runs a client's write. Should the CMS refuse what was derived from the client's text (a rule a site added, a
 * limit), the client gets the precondition of invalid data with the reason, not a server error.
 */
export async function asDavWrite<T>(write: () => Promise<T>, invalidData: QName): Promise<T> {
  try {
    return await davWrite.run(true, write);
  } catch (error) {
    if (error instanceof errors.ValidationError) throw new DavError(403, `This cannot be stored: ${error.message}`, invalidData);
    throw error;
  }
}

export function isDavWrite(): boolean {
  return davWrite.getStore() === true;
}

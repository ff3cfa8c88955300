import { DavError } from '../../server/src/dav/errors';

/** The DavError that `run` throws (fails the test when it throws nothing or something else). */
export function davErrorOf(run: () => unknown): DavError {
  try {
    run();
  } catch (error) {
    if (error instanceof DavError) return error;
    throw error;
  }
  throw new Error('expected a DavError');
}

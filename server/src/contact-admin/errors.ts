/** A request the contacts API refuses, with the HTTP status and a message meant for the editor. */
export class ContactAdminError extends Error {
  constructor(
    readonly status: 400 | 404 | 409,
    message: string,
  ) {
    super(message);
    this.name = 'ContactAdminError';
  }
}

export const STALE_MESSAGE = 'This contact was changed in a contacts app since you opened it; reload to see the change, then edit again.';

export const badRequest = (message: string) => new ContactAdminError(400, message);

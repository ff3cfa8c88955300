/** A request the workspace refuses, with the HTTP status and a message meant for the editor. */
export class WorkspaceError extends Error {
  constructor(
    readonly status: 400 | 404 | 409,
    message: string,
  ) {
    super(message);
    this.name = 'WorkspaceError';
  }
}

export const STALE_MESSAGE = 'This event was changed in a calendar app since you opened it; reload to see the change, then edit again.';

export const badRequest = (message: string) => new WorkspaceError(400, message);

import { errors } from '@strapi/utils';

/** A request the calendar panel's API refuses, with the HTTP status and a message meant for the editor. */
export class CalendarAdminError extends Error {
  constructor(
    readonly status: 400 | 404 | 409,
    message: string,
  ) {
    super(message);
    this.name = 'CalendarAdminError';
  }
}

export const badRequest = (message: string) => new CalendarAdminError(400, message);
export const notFound = (message: string) => new CalendarAdminError(404, message);

/** The document rules' and Strapi's validation refusals (bad color, unknown time zone, unsound share) become a 400. */
export function refusal(error: unknown): CalendarAdminError | null {
  if (error instanceof CalendarAdminError) return error;
  if (error instanceof errors.ValidationError) return badRequest(error.message);
  return null;
}

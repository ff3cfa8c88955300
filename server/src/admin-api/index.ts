/**
 * What the plugin's admin routes (calendar page, calendar panel, contacts page) share: refusals with a status and
 * a message meant for the editor, and answers in Strapi's shapes, so that the admin's fetch client shows them.
 */
import { errors } from '@strapi/utils';
import type { Context } from 'koa';

export class AdminApiError extends Error {
  constructor(
    readonly status: 400 | 404 | 409,
    message: string,
  ) {
    super(message);
    this.name = 'AdminApiError';
  }
}

export const badRequest = (message: string) => new AdminApiError(400, message);
export const notFound = (message: string) => new AdminApiError(404, message);
export const conflict = (message: string) => new AdminApiError(409, message);

/**
 * How an admin route speaks of a refusal: its own, or one of the document rules' (a stale etag is a conflict,
 * answered with `staleMessage`; the rest is bad input). Anything else is not a refusal.
 */
export function refusal(error: unknown, staleMessage: string): AdminApiError | null {
  if (error instanceof AdminApiError) return error;
  if (!(error instanceof errors.ValidationError)) return null;
  const details = error.details as { errors?: Array<{ path?: unknown[] }> } | undefined;
  if (details?.errors?.some((problem) => problem.path?.[0] === 'etag')) return conflict(staleMessage);
  return badRequest(error.message);
}

const errorNames: Record<AdminApiError['status'], string> = { 400: 'ValidationError', 404: 'NotFoundError', 409: 'ConflictError' };

/** A route parameter as text ('' when absent). */
export const param = (ctx: Context, name: string): string => {
  const value = (ctx.params as Record<string, unknown> | undefined)?.[name];
  return typeof value === 'string' ? value : '';
};

export interface AnswerOptions {
  status?: number;
  /** The message of a write refused for a stale etag. */
  staleMessage?: string;
  /** Whether the result is answered as `{ data }` (else as it is, e.g. `{ data, meta }`). */
  wrap?: boolean;
}

/** Runs a route's action: its result as `{ data }` (204 when there is none), a refusal in Strapi's error shape. */
export async function answer(ctx: Context, action: () => Promise<unknown>, options: AnswerOptions = {}): Promise<void> {
  try {
    const result = await action();
    if (result === undefined) {
      ctx.status = 204;
      ctx.body = null;
      return;
    }
    ctx.status = options.status ?? 200;
    ctx.body = options.wrap === false ? result : { data: result };
  } catch (error) {
    const known = refusal(error, options.staleMessage ?? 'It was changed since you opened it; reload to see the change, then edit again.');
    if (!known) throw error;
    ctx.status = known.status;
    ctx.body = { data: null, error: { status: known.status, name: errorNames[known.status], message: known.message, details: {} } };
  }
}

/**
 * The file of an import request, however it was sent: as the raw body (any type Strapi's body parser leaves alone,
 * e.g. application/octet-stream, read here with the import's own limit), as a text/* body (Strapi's body parser
 * has read it, within its textLimit), or as a multipart form's file (Strapi's body parser has saved it).
 */
import { readFile } from 'node:fs/promises';

import type { Context } from 'koa';

import { megabytes } from './service';

export class UploadError extends Error {
  constructor(
    readonly status: 400 | 413 | 415,
    message: string,
  ) {
    super(message);
    this.name = 'UploadError';
  }
}

interface UploadedFile {
  filepath: string;
  size: number;
}

const isUploadedFile = (value: unknown): value is UploadedFile =>
  typeof value === 'object' && value !== null && typeof (value as UploadedFile).filepath === 'string' && typeof (value as UploadedFile).size === 'number';

const tooLarge = (limit: number) =>
  new UploadError(413, `The file is larger than ${megabytes(limit)}, the most an import takes. Split it into smaller files.`);

/** The single file of a multipart request, or null when the request is not multipart. */
function multipartFile(ctx: Context): UploadedFile | null {
  const files = (ctx.request as { files?: Record<string, unknown> }).files;
  if (!files || typeof files !== 'object') return null;
  const uploaded = Object.values(files).flatMap((value) => (Array.isArray(value) ? value : [value])).filter(isUploadedFile);
  if (uploaded.length !== 1) throw new UploadError(400, `Send one file (the form holds ${uploaded.length}).`);
  return uploaded[0];
}

async function rawBody(ctx: Context, limit: number): Promise<Buffer> {
  const declared = Number(ctx.get('Content-Length'));
  if (Number.isFinite(declared) && declared > limit) throw tooLarge(limit);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of ctx.req) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string);
    size += buffer.length;
    if (size > limit) throw tooLarge(limit);
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}

/** The uploaded file's text (UTF-8). Throws UploadError with the status and message to answer. */
export async function readUpload(ctx: Context, limit: number): Promise<string> {
  const file = multipartFile(ctx);
  if (file) {
    if (file.size > limit) throw tooLarge(limit);
    return readFile(file.filepath, 'utf8');
  }
  const parsed = (ctx.request as { body?: unknown }).body;
  if (typeof parsed === 'string') return parsed;
  if (parsed !== undefined && ctx.req.readableEnded) {
    throw new UploadError(415, 'Send the file itself as the request body (Content-Type: application/octet-stream) or as a multipart form\'s file, not as JSON or a form.');
  }
  return (await rawBody(ctx, limit)).toString('utf8');
}

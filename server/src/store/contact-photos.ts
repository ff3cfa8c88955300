import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

import type { Core } from '@strapi/strapi';

/**
 * Contact photos between vCards and the media library: an inline PHOTO a client sends becomes a media library
 * image on the contact (so editors see it), and an image an editor picks becomes the vCard's inline PHOTO (so
 * every client shows it: most do not fetch photo URLs).
 */

interface MediaFile {
  id: number;
  url: string;
  mime: string;
  size: number;
  formats?: Record<string, { url: string; mime: string; size: number }> | null;
}

const DATA_URI = /^data:(image\/[a-z0-9.+-]+)(?:;[^,]*)?;base64,([A-Za-z0-9+/=\s]+)$/i;
const extensions: Record<string, string> = { 'image/jpeg': '.jpg', 'image/png': '.png', 'image/gif': '.gif', 'image/webp': '.webp' };

/** A digest that tells whether a photo changed, whatever its encoding. */
export const photoDigest = (uri: string) => createHash('sha256').update(uri.replace(/\s+/g, '')).digest('hex');

export function decodeDataUri(uri: string): { mime: string; bytes: Buffer } | null {
  const match = DATA_URI.exec(uri.trim());
  if (!match) return null;
  return { mime: match[1].toLowerCase(), bytes: Buffer.from(match[2].replace(/\s+/g, ''), 'base64') };
}

/** Stores an inline photo in the media library; returns the file's id, or null when it is not an image we can keep. */
export async function uploadPhoto(strapi: Core.Strapi, uri: string, label: string): Promise<number | null> {
  const decoded = decodeDataUri(uri);
  if (!decoded || decoded.bytes.length === 0) return null;
  const directory = await mkdtemp(path.join(tmpdir(), 'caldav-photo-'));
  const name = `${label.replace(/[^\p{L}\p{N} ._-]/gu, '').trim() || 'contact'}${extensions[decoded.mime] ?? ''}`;
  const filepath = path.join(directory, name);
  try {
    await writeFile(filepath, decoded.bytes);
    const [file] = (await strapi.plugin('upload').service('upload').upload({
      data: { fileInfo: { name, alternativeText: label } },
      files: { filepath, originalFilename: name, mimetype: decoded.mime, size: decoded.bytes.length },
    })) as Array<{ id: number }>;
    return file?.id ?? null;
  } catch (error) {
    // A photo the media library refuses (not a valid image) stays in the vCard only.
    strapi.log.warn(`caldav: a contact photo could not be added to the media library: ${error instanceof Error ? error.message : String(error)}`);
    return null;
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
}

/** The media file's bytes as a data: URI, preferring a small rendition so that the vCard stays small. */
export async function photoAsDataUri(strapi: Core.Strapi, fileId: number, maxBytes: number): Promise<string | null> {
  const file = (await strapi.db.query('plugin::upload.file' as never).findOne({ where: { id: fileId } })) as MediaFile | null;
  if (!file) return null;
  const renditions = [file, file.formats?.small, file.formats?.thumbnail].filter((item): item is NonNullable<typeof item> => Boolean(item));
  const chosen = renditions.find((item) => item.size * 1024 * 1.4 < maxBytes) ?? renditions[renditions.length - 1];
  let bytes: Buffer;
  try {
    bytes = /^https?:\/\//.test(chosen.url)
      ? Buffer.from(await (await fetch(chosen.url)).arrayBuffer())
      : await readFile(path.join(strapi.dirs.static.public, chosen.url));
  } catch {
    return null;
  }
  return `data:${chosen.mime};base64,${bytes.toString('base64')}`;
}

/** The id of a media relation value as the document service and the Content Manager write it. */
export function mediaId(value: unknown): number | null | undefined {
  if (value === undefined) return undefined;
  if (value === null) return null;
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && /^\d+$/.test(value)) return Number(value);
  if (Array.isArray(value)) return value.length === 0 ? null : mediaId(value[0]);
  if (typeof value === 'object' && value !== null && 'id' in value) return mediaId((value as { id: unknown }).id);
  return undefined;
}

/**
 * Sync tokens (RFC 6578): a URI naming the collection and its position in the change log. The plain form is also
 * the collection's ctag, so that the two always change together. A limited initial sync hands out a continuation
 * form that also names the last member listed so far.
 */

const PREFIX = 'urn:strapi-caldav:sync:';

export interface SyncPosition {
  sequence: number;
  /** During a limited initial sync: the last member name listed (members are listed in name order). */
  listedUpTo?: string;
}

export function syncToken(collectionId: string, sequence: number, listedUpTo?: string): string {
  const base = `${PREFIX}${collectionId}:${sequence}`;
  return listedUpTo === undefined ? base : `${base}:${Buffer.from(listedUpTo, 'utf8').toString('base64url')}`;
}

/** The position a token names in this collection's log, or null when it is not one of this collection's tokens. */
export function parseSyncToken(token: string, collectionId: string): SyncPosition | null {
  const match = /^urn:strapi-caldav:sync:([^:]+):(\d{1,15})(?::([A-Za-z0-9_-]+))?$/.exec(token.trim());
  if (!match || match[1] !== collectionId) return null;
  return { sequence: Number(match[2]), ...(match[3] ? { listedUpTo: Buffer.from(match[3], 'base64url').toString('utf8') } : {}) };
}

/**
 * Sync tokens (RFC 6578): a URI naming the collection and its position in the change log. The same value is the
 * collection's ctag, so that the two always change together.
 */

const PREFIX = 'urn:strapi-caldav:sync:';

export function syncToken(collectionId: string, sequence: number): string {
  return `${PREFIX}${collectionId}:${sequence}`;
}

/** The position a token names in this collection's log, or null when it is not one of this collection's tokens. */
export function parseSyncToken(token: string, collectionId: string): number | null {
  const match = /^urn:strapi-caldav:sync:([^:]+):(\d{1,15})$/.exec(token.trim());
  if (!match || match[1] !== collectionId) return null;
  return Number(match[2]);
}

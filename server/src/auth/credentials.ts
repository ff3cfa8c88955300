/**
 * Parsing of the Authorization header. Pure: no user lookup here.
 */

export type Credentials =
  | { scheme: 'basic'; identifier: string; password: string }
  | { scheme: 'bearer'; token: string };

/** Returns the credentials a request carries, or null when it carries none we understand. */
export function parseAuthorization(header: string | undefined): Credentials | null {
  if (!header) return null;
  const match = /^\s*(\S+)\s+(\S+)\s*$/.exec(header);
  if (!match) return null;
  const [, scheme, value] = match;
  if (scheme.toLowerCase() === 'bearer') return { scheme: 'bearer', token: value };
  if (scheme.toLowerCase() !== 'basic') return null;
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(value)) return null;
  const decoded = Buffer.from(value, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0) return null;
  return { scheme: 'basic', identifier: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

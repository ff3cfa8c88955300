/**
 * Raw HTTP for feed tests. Unlike fetch, node:http neither asks for compression nor undoes it, so a test sees the
 * bytes and the encoding the server chose. Each request has a connection of its own: the test process also runs
 * Strapi, and a kept-alive connection that sat idle through a long setup may have been closed by the server.
 */
import { request } from 'node:http';

export interface RawResponse {
  status: number;
  headers: Record<string, string | undefined>;
  body: Buffer;
}

export function rawRequest(origin: string, method: string, path: string, headers: Record<string, string> = {}): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const outgoing = request(`${origin}${path}`, { method, headers, agent: false }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        const flat: Record<string, string | undefined> = {};
        for (const [name, value] of Object.entries(response.headers)) flat[name] = Array.isArray(value) ? value.join(', ') : value;
        resolve({ status: response.statusCode ?? 0, headers: flat, body: Buffer.concat(chunks) });
      });
      response.on('error', reject);
    });
    outgoing.on('error', reject);
    outgoing.end();
  });
}

/** An iCalendar UTC date-time (20260310T090000Z) for an instant. */
export const icalUtc = (date: Date): string => date.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');

export { NEW_YORK_VTIMEZONE } from '../unit/ical-fixtures';

/** A calendar object with the given components (lines without BEGIN/END:VCALENDAR), CRLF-terminated. */
export const calendarObject = (...lines: string[]): string =>
  ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Example Corp.//Test Client//EN', ...lines, 'END:VCALENDAR', ''].join('\r\n');

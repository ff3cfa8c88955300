/**
 * Cuts one stored calendar object into the blocks a feed is made of.
 *
 * This is not an iCalendar parser: it only ever sees the server's own stored text, which parseCalendarObject
 * validated on write, and it only looks at BEGIN/END lines to find where the VCALENDAR's child components start and
 * end. The few property values it needs (TZIDs) are read by ical.js. Parsing every object of a 100,000-event feed
 * into a component tree and serializing it again would cost far more, and would not give back the stored bytes.
 */
import ICAL from 'ical.js';

import { foldLine } from '../ical/serialize';

export interface ObjectBlocks {
  /** The object's VTIMEZONE blocks by TZID, as CRLF-terminated text. */
  timezones: Map<string, string>;
  /** The object's VEVENT/VTODO/VJOURNAL blocks (master and overrides, with their alarms), in stored order. */
  components: string[];
  /** The TZIDs the components use, in order of first use. */
  usedTzids: string[];
}

/** Logical lines: CR, LF and CRLF endings accepted, folded continuation lines joined to their line. */
function logicalLines(text: string): string[] {
  const source = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const lines: string[] = [];
  for (const physical of source.split(/\r\n|\n|\r/)) {
    if ((physical.startsWith(' ') || physical.startsWith('\t')) && lines.length > 0) lines[lines.length - 1] += physical.slice(1);
    else if (physical !== '') lines.push(physical);
  }
  return lines;
}

/** The line folded at 75 octets with a CRLF after it; most lines are short and pass as they are. */
function outputLine(line: string): string {
  return (line.length <= 18 || Buffer.byteLength(line) <= 75 ? line : foldLine(line)) + '\r\n';
}

/** ical.js's reading of one content line, or null when it cannot read it. */
function propertyOf(line: string): unknown[] | null {
  try {
    const parsed: unknown = ICAL.parse.property(line);
    return Array.isArray(parsed) ? parsed : null;
  } catch {
    return null;
  }
}

function tzidParameter(line: string): string | null {
  const parameters = propertyOf(line)?.[1];
  if (typeof parameters !== 'object' || parameters === null) return null;
  const tzid = (parameters as Record<string, unknown>).tzid;
  return typeof tzid === 'string' && tzid !== '' ? tzid : null;
}

function tzidValue(line: string): string | null {
  const value = propertyOf(line)?.[3];
  return typeof value === 'string' && value !== '' ? value : null;
}

const componentName = (line: string, keyword: 'BEGIN' | 'END'): string | null =>
  line.length > keyword.length && line[keyword.length] === ':' && line.slice(0, keyword.length).toUpperCase() === keyword
    ? line.slice(keyword.length + 1).trim().toUpperCase()
    : null;

const calendarComponents = new Set(['VEVENT', 'VTODO', 'VJOURNAL']);

/**
 * The VTIMEZONEs and calendar components of a stored object, each re-emitted with CRLF endings and folded at 75
 * octets. The VCALENDAR's own properties (VERSION, PRODID, a client's X-WR-CALNAME...) are dropped: the feed has
 * its own.
 */
export function objectBlocks(text: string): ObjectBlocks {
  const timezones = new Map<string, string>();
  const components: string[] = [];
  const usedTzids: string[] = [];

  let depth = 0;
  let block: { name: string; text: string; tzid: string | null } | null = null;
  for (const line of logicalLines(text)) {
    const begins = componentName(line, 'BEGIN');
    const ends = begins === null ? componentName(line, 'END') : null;
    if (begins !== null) {
      depth += 1;
      if (depth === 2) block = { name: begins, text: '', tzid: null };
    }
    if (block) {
      block.text += outputLine(line);
      if (block.name === 'VTIMEZONE') {
        if (depth === 2 && block.tzid === null && /^TZID[:;]/i.test(line)) block.tzid = tzidValue(line);
      } else if (calendarComponents.has(block.name) && /;TZID=/i.test(line)) {
        // A cheap hint only; ical.js reads the parameter.
        const tzid = tzidParameter(line);
        if (tzid !== null && !usedTzids.includes(tzid)) usedTzids.push(tzid);
      }
    }
    if (ends !== null) {
      if (depth === 2 && block) {
        if (block.name === 'VTIMEZONE') {
          if (block.tzid !== null && !timezones.has(block.tzid)) timezones.set(block.tzid, block.text);
        } else if (calendarComponents.has(block.name)) {
          components.push(block.text);
        }
        block = null;
      }
      depth -= 1;
    }
  }
  return { timezones, components, usedTzids };
}

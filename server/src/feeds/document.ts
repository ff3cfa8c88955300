/**
 * The text of a feed: one VCALENDAR with the calendar's own properties, then the components of its events.
 */
import ICAL from 'ical.js';

import { PRODUCT_ID } from '../ical/build';
import { serializeComponent } from '../ical/serialize';
import { vtimezoneFor } from '../ical/timezones';
import { objectBlocks } from './object-blocks';

export interface FeedHeading {
  name: string;
  description: string | null;
  timezone: string | null;
  refreshMinutes: number;
}

/** TEXT escaping (backslash, comma, semicolon, newline) by ical.js, for X- properties ical.js does not type. */
const escapeText = (value: string): string => String(ICAL.design.icalendar.value.text.toICAL?.(value) ?? value);

function rawProperty(name: string, value: string): ICAL.Property {
  const property = new ICAL.Property(name);
  property.setValue(value);
  return property;
}

/** Everything up to the first component: BEGIN:VCALENDAR and the calendar's properties (CRLF lines, folded). */
export function feedHead(heading: FeedHeading): string {
  const calendar = new ICAL.Component('vcalendar');
  calendar.addPropertyWithValue('version', '2.0');
  calendar.addPropertyWithValue('prodid', PRODUCT_ID);
  calendar.addPropertyWithValue('calscale', 'GREGORIAN');
  calendar.addPropertyWithValue('method', 'PUBLISH');
  calendar.addProperty(rawProperty('x-wr-calname', escapeText(heading.name)));
  if (heading.description) calendar.addProperty(rawProperty('x-wr-caldesc', escapeText(heading.description)));
  if (heading.timezone) calendar.addProperty(rawProperty('x-wr-timezone', escapeText(heading.timezone)));
  const interval = `PT${heading.refreshMinutes}M`;
  calendar.addPropertyWithValue('refresh-interval', ICAL.Duration.fromString(interval));
  calendar.addProperty(rawProperty('x-published-ttl', interval));
  const text = serializeComponent(calendar);
  return text.slice(0, text.length - FEED_TAIL.length);
}

export const FEED_TAIL = 'END:VCALENDAR\r\n';

/**
 * Turns stored objects into feed text, one object at a time, remembering which time zones it already wrote. Each
 * TZID gets one VTIMEZONE, written just before the first component that uses it: a streamed feed cannot know every
 * time zone before it has read every event, and RFC 5545 asks only that each TZID has its VTIMEZONE in the object.
 * The definition is the first one stored with an event, else the IANA database's.
 */
export function createFeedBody() {
  const written = new Set<string>();
  return {
    add(storedText: string): string {
      const blocks = objectBlocks(storedText);
      let text = '';
      for (const tzid of blocks.usedTzids) {
        if (written.has(tzid)) continue;
        const definition = blocks.timezones.get(tzid) ?? vtimezoneFor(tzid);
        // A TZID with no definition anywhere only occurs on X- properties (validation refuses it elsewhere).
        if (definition === null) continue;
        written.add(tzid);
        text += definition;
      }
      return text + blocks.components.join('');
    },
  };
}

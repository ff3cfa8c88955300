import { parseCalendarText } from './document';
import { ianaNameForTzid, isIanaTimeZone, isUtcName } from './timezones';

/**
 * The time zone a CALDAV:calendar-timezone value (a VCALENDAR holding one VTIMEZONE) stands for: its TZID when
 * that is an IANA name, else the IANA name it clearly maps to (X-LIC-LOCATION, Mozilla-style prefixes), else the
 * TZID as it is. Null when the text is not iCalendar or does not hold exactly one VTIMEZONE.
 */
export function timezoneIdOfCalendar(text: string): string | null {
  try {
    const { root } = parseCalendarText(text);
    const zones = root.getAllSubcomponents('vtimezone');
    if (zones.length !== 1) return null;
    const tzid = zones[0].getFirstPropertyValue('tzid');
    if (typeof tzid !== 'string' || tzid === '') return null;
    if (isIanaTimeZone(tzid) || isUtcName(tzid)) return tzid;
    return ianaNameForTzid(tzid, root) ?? tzid;
  } catch {
    return null;
  }
}

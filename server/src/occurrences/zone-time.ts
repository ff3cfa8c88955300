/**
 * Instants and wall-clock times in an IANA time zone, through the platform's time zone database (Intl), for the
 * occurrences API: a front end asks for "this month in Europe/Berlin" and shows times on Berlin's clock.
 */

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(zone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(zone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      era: 'short',
    });
    // Few zones are ever asked for; a caller naming many distinct ones must not grow this without end.
    if (formatters.size >= 500) formatters.clear();
    formatters.set(zone, formatter);
  }
  return formatter;
}

/** Whether the platform knows the zone ("UTC", "Europe/Berlin", ...). */
export function isKnownZone(zone: string): boolean {
  try {
    formatterFor(zone);
    return true;
  } catch {
    return false;
  }
}

/** The wall-clock reading in `zone` of instant `ms`, as milliseconds of the same fields read as UTC. */
function wallMs(ms: number, zone: string): number {
  const parts: Record<string, string> = {};
  for (const part of formatterFor(zone).formatToParts(new Date(ms))) parts[part.type] = part.value;
  const year = parts.era === 'BC' ? 1 - Number(parts.year) : Number(parts.year);
  const wall = new Date(0);
  wall.setUTCFullYear(year, Number(parts.month) - 1, Number(parts.day));
  wall.setUTCHours(Number(parts.hour), Number(parts.minute), Number(parts.second), new Date(ms).getUTCMilliseconds());
  return wall.getTime();
}

/** The zone's offset from UTC at instant `ms`, in milliseconds (east positive). */
export function offsetAt(ms: number, zone: string): number {
  return wallMs(ms, zone) - ms;
}

/**
 * The instant at which the zone's clocks read `wall` (wall-clock fields read as UTC milliseconds). A reading that
 * occurs twice (clocks going back) gives the first; one that never occurs (clocks going forward) gives the instant
 * the same distance past the change, as clients do.
 */
export function instantOfWall(wall: number, zone: string): number {
  const first = wall - offsetAt(wall, zone);
  const second = wall - offsetAt(first, zone);
  if (second === first) return first;
  const third = wall - offsetAt(second, zone);
  return Math.min(second, third);
}

const pad = (value: number, width = 2) => String(Math.abs(value)).padStart(width, '0');

/** "YYYY-MM-DD" of wall-clock milliseconds. */
export function wallDate(wall: number): string {
  return new Date(wall).toISOString().slice(0, 10);
}

/** ISO 8601 with the zone's offset at that instant: "2026-03-02T10:00:00+01:00". */
export function localIso(ms: number, zone: string): string {
  const offset = offsetAt(ms, zone);
  const wall = new Date(ms + offset).toISOString().slice(0, 19);
  const minutes = Math.round(offset / 60_000);
  return `${wall}${minutes < 0 ? '-' : '+'}${pad(Math.trunc(minutes / 60))}:${pad(minutes % 60)}`;
}

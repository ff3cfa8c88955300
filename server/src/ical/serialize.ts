import ICAL from 'ical.js';

const MAX_LINE_OCTETS = 75;

function utf8Length(codePoint: number): number {
  if (codePoint < 0x80) return 1;
  if (codePoint < 0x800) return 2;
  if (codePoint < 0x10000) return 3;
  return 4;
}

/**
 * Folds one content line so that no physical line exceeds 75 octets (RFC 5545 section 3.1), counting the leading
 * space of continuation lines, never splitting a character. ical.js's own folding lets continuation lines reach 76.
 */
export function foldLine(line: string): string {
  const parts: string[] = [];
  let current = '';
  let octets = 0;
  for (const character of line) {
    const size = utf8Length(character.codePointAt(0) ?? 0);
    if (octets + size > MAX_LINE_OCTETS) {
      parts.push(current);
      current = ' ';
      octets = 1;
    }
    current += character;
    octets += size;
  }
  parts.push(current);
  return parts.join('\r\n');
}

/** iCalendar text of a component: CRLF line endings, folded at 75 octets, ending with CRLF. */
export function serializeComponent(component: ICAL.Component): string {
  const unfolded = component.toString().replace(/\r?\n[ \t]/g, '');
  return (
    unfolded
      .split(/\r?\n/)
      .filter((line) => line !== '')
      .map(foldLine)
      .join('\r\n') + '\r\n'
  );
}

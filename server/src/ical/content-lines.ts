/**
 * A first, linear pass over iCalendar or vCard text a client sent, before ical.js reads it. ical.js accepts some
 * malformed text without a word (an END naming another component, a folded line with nothing to continue, control
 * characters, which then reach the database and every client), spends time quadratic in the number of parameters
 * of a line, and walks the component tree recursively (nesting deep enough overflows the stack). Each problem found
 * here is reported with its line number.
 */

/** VCALENDAR > VEVENT > PARTICIPANT > VLOCATION (RFC 9073) is the deepest real nesting: 4. */
export const MAX_COMPONENT_DEPTH = 8;
/** Components (at every level) of one object or vCard: thousands of overrides and alarms fit, not an endless list. */
export const MAX_COMPONENTS = 10_000;
/** Parameters of one content line; ical.js reads each by scanning the rest of the line. */
export const MAX_PARAMETERS_PER_LINE = 100;

export class ContentLineError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ContentLineError';
  }
}

export interface ScreenOptions {
  /** vCard property names may carry an item group (item1.EMAIL). */
  groups: boolean;
  /** What the text should start with, for the message when it does not. */
  rootName: 'VCALENDAR' | 'VCARD';
  /** Components allowed in all (default MAX_COMPONENTS; a file to import holds many objects). */
  maxComponents?: number;
  /**
   * Whether characters are checked too (default). A file to import is checked for its structure only: each of its
   * objects is validated on its own, and one bad character skips that object, not the file.
   */
  characters?: boolean;
}

/**
 * Characters no content line may hold: the controls RFC 5545 section 3.1 and RFC 6350 section 3.3 leave out (HTAB is
 * allowed), U+FFFE and U+FFFF (XML cannot carry them, so no REPORT could return them), and unpaired surrogates
 * (text that was never Unicode).
 */
const FORBIDDEN = /[\u0000-\u0008\u000A-\u001F\u007F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const FORBIDDEN_ALL = new RegExp(FORBIDDEN.source, 'g');

const isNameCode = (code: number): boolean =>
  (code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a) || (code >= 0x30 && code <= 0x39) || code === 0x2d || code === 0x5f;

/** The start of a line for a message: short, and with nothing in it that a message could not carry. */
export function excerpt(line: string): string {
  const cut = line.length > 40 ? `${line.slice(0, 40)}...` : line;
  return cut.replace(FORBIDDEN_ALL, '?');
}

function codePointName(character: string): string {
  return `U+${(character.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
}

/** Throws ContentLineError for text that is not a sequence of well-formed content lines in balanced components. */
export function screenContentLines(text: string, options: ScreenOptions): void {
  const stack: Array<{ name: string; line: number }> = [];
  const maxComponents = options.maxComponents ?? MAX_COMPONENTS;
  let components = 0;

  function fail(line: number, message: string): never {
    throw new ContentLineError(`line ${line}: ${message}`);
  }

  function checkLine(line: string, number: number): void {
    const forbidden = options.characters === false ? null : FORBIDDEN.exec(line);
    if (forbidden) {
      const character = forbidden[0];
      const what = /[\uD800-\uDFFF]/.test(character)
        ? `an unpaired surrogate (${codePointName(character)}): the text is not valid Unicode`
        : `the control character ${codePointName(character)}, which content lines cannot hold`;
      fail(number, `"${excerpt(line)}" contains ${what}`);
    }
    let position = 0;
    while (position < line.length && isNameCode(line.charCodeAt(position))) position++;
    if (options.groups && line[position] === '.' && position > 0) {
      position++;
      const nameStart = position;
      while (position < line.length && isNameCode(line.charCodeAt(position))) position++;
      if (position === nameStart) position = 0;
    }
    const name = excerpt(line.slice(0, position).toUpperCase());
    if (name === '' || (line[position] !== ':' && line[position] !== ';')) {
      fail(number, `"${excerpt(line)}" is not a content line (a property name, then ";" parameters or ":" and the value)`);
    }
    let parameters = 0;
    while (line[position] === ';') {
      parameters += 1;
      if (parameters > MAX_PARAMETERS_PER_LINE) fail(number, `${name} has more than ${MAX_PARAMETERS_PER_LINE} parameters`);
      position += 1;
      const parameterStart = position;
      while (position < line.length && isNameCode(line.charCodeAt(position))) position++;
      if (position === parameterStart || line[position] !== '=') {
        fail(number, `a parameter of ${name} is not written as NAME=value ("${excerpt(line.slice(parameterStart))}")`);
      }
      position += 1;
      for (;;) {
        if (line[position] === '"') {
          const close = line.indexOf('"', position + 1);
          if (close === -1) fail(number, `a quoted parameter value of ${name} has no closing quote`);
          position = close + 1;
        } else {
          while (position < line.length) {
            const character = line[position];
            if (character === ';' || character === ':' || character === ',' || character === '"') break;
            position++;
          }
        }
        if (line[position] !== ',') break;
        position += 1;
      }
    }
    if (line[position] !== ':') {
      fail(number, `${name} has no ":" before its value${parameters > 0 ? ' (or a parameter value has a stray quote)' : ''}`);
    }

    if (name === 'BEGIN' || name === 'END') {
      // ical.js names a component by BEGIN's value as it is, and ignores END's: blanks after END do no harm.
      const value = line.slice(position + 1);
      const component = name === 'END' ? value.replace(/[ \t]+$/, '') : value;
      if (parameters > 0) fail(number, `${name} takes no parameters`);
      let valid = component.length > 0;
      for (let index = 0; valid && index < component.length; index++) valid = isNameCode(component.charCodeAt(index));
      if (!valid) fail(number, `"${excerpt(line)}" does not name a component`);
      const upper = component.toUpperCase();
      if (name === 'BEGIN') {
        stack.push({ name: upper, line: number });
        components += 1;
        if (stack.length > MAX_COMPONENT_DEPTH) fail(number, `components are nested more than ${MAX_COMPONENT_DEPTH} deep`);
        if (components > maxComponents) fail(number, `the data has more than ${maxComponents} components`);
        return;
      }
      const open = stack.pop();
      if (!open) fail(number, `END:${upper} has no BEGIN:${upper} before it`);
      else if (open.name !== upper) fail(number, `END:${upper} does not close BEGIN:${open.name} (line ${open.line})`);
      return;
    }
    if (stack.length === 0) {
      fail(number, `"${excerpt(line)}" is outside any component (the data starts with BEGIN:${options.rootName})`);
    }
  }

  // Lines end with CRLF or LF (ical.js accepts both); a line starting with a space or a tab continues the one before.
  const physical = text.split('\n');
  let logical: string | null = null;
  let logicalNumber = 0;
  for (let index = 0; index < physical.length; index++) {
    let line = physical[index];
    if (line.endsWith('\r')) line = line.slice(0, -1);
    const first = line.charCodeAt(0);
    if (first === 0x20 || first === 0x09) {
      if (logical === null) {
        if (line.trim() === '') continue;
        fail(index + 1, 'a folded continuation line (starting with a space or tab) with no content line before it');
      }
      logical += line.slice(1);
      continue;
    }
    if (logical !== null) checkLine(logical, logicalNumber);
    logical = line === '' ? null : line;
    logicalNumber = index + 1;
  }
  if (logical !== null) checkLine(logical, logicalNumber);
  const unclosed = stack.pop();
  if (unclosed) {
    throw new ContentLineError(`BEGIN:${unclosed.name} on line ${unclosed.line} has no END:${unclosed.name}`);
  }
}

/**
 * Cutting a vCard file (an address book's export) into its vCards. Each vCard is stored with the bytes the file has
 * for it, as a client's PUT is: only the BEGIN:VCARD and END:VCARD lines that frame the cards are looked at here,
 * and ical.js (through the vCard layer) reads every card.
 */
import { createHash } from 'node:crypto';

import { VCardError } from '../vcard';
import { firstNamed, firstText, parseCard } from '../vcard/card';
import { ImportRefusedError } from './errors';
import type { ImportItem, SplitFile } from './types';

const BEGIN = /^BEGIN:VCARD[ \t]*$/i;
const END = /^END:VCARD[ \t]*$/i;
/** A UID property line (with or without an item group), to replace an empty one. */
const UID_LINE = /^([A-Za-z0-9-]+\.)?UID[;:]/i;

interface CardLines {
  /** Index of the BEGIN:VCARD line. */
  begin: number;
  /** Index of the END:VCARD line; null when the card is not closed. */
  end: number | null;
}

/** A UID for a vCard that has none, derived from its text: importing the same file again updates the contact. */
function derivedUid(text: string): string {
  const hex = createHash('sha256').update(text).digest('hex');
  return `urn:uuid:${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${((parseInt(hex[16], 16) & 0x3) | 0x8).toString(16)}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

const excerpt = (line: string) => (line.length > 60 ? `${line.slice(0, 57)}...` : line);

/** The cards' line ranges; anything outside them but blank lines refuses the file. */
function framesOf(lines: string[]): CardLines[] {
  const cards: CardLines[] = [];
  let open: CardLines | null = null;
  for (const [index, line] of lines.entries()) {
    if (BEGIN.test(line)) {
      // A card left open is reported as such; the next one still counts.
      if (open) cards.push(open);
      open = { begin: index, end: null };
    } else if (open && END.test(line)) {
      open.end = index;
      cards.push(open);
      open = null;
    } else if (!open && line.trim() !== '') {
      if (/^BEGIN:VCALENDAR/i.test(line)) throw new ImportRefusedError('The file holds a calendar (VCALENDAR), not vCards: import it into a calendar.');
      throw new ImportRefusedError(`The file is not a vCard file: line ${index + 1} is outside any BEGIN:VCARD ... END:VCARD ("${excerpt(line)}").`);
    }
  }
  if (open) cards.push(open);
  if (cards.length === 0) throw new ImportRefusedError('The file holds no vCard (BEGIN:VCARD ... END:VCARD).');
  return cards;
}

/** The card's text, with a derived UID when it has none (CardDAV requires one). */
function cardItem(lines: string[], frame: CardLines & { end: number }): ImportItem {
  let cardLines = lines.slice(frame.begin, frame.end + 1);
  const text = `${cardLines.join('\r\n')}\r\n`;
  let uid: string;
  try {
    const property = firstNamed(parseCard(text), 'uid');
    uid = property ? firstText(property).trim() : '';
  } catch (error) {
    if (error instanceof VCardError) return { uid: null, problem: `The vCard on line ${frame.begin + 1}: ${error.message}` };
    throw error;
  }
  if (uid !== '') return { uid, text };
  const derived = derivedUid(text);
  cardLines = cardLines.filter((line) => !UID_LINE.test(line));
  cardLines.splice(cardLines.length - 1, 0, `UID:${derived}`);
  return { uid: derived, text: `${cardLines.join('\r\n')}\r\n` };
}

/**
 * Splits a vCard file into its vCards, in file order. Throws ImportRefusedError for a file that is not a sequence
 * of vCards. A vCard without a UID gets one derived from its text.
 */
export function splitContactFile(text: string): SplitFile {
  const source = text.startsWith('\uFEFF') ? text.slice(1) : text;
  if (source.trim() === '') throw new ImportRefusedError('The file is empty.');
  const lines = source.split(/\r\n|\n|\r/);
  const frames = framesOf(lines);

  function* items(): Generator<ImportItem> {
    for (const frame of frames) {
      if (frame.end === null) yield { uid: null, problem: `The vCard on line ${frame.begin + 1} has no END:VCARD.` };
      else yield cardItem(lines, { ...frame, end: frame.end });
    }
  }

  return { total: frames.length, items: items() };
}

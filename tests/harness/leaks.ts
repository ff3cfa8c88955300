import path from 'node:path';

/** What an answer must never show: stack frames, source or install paths, SQL or the database driver. */
export const LEAKS: RegExp[] = [
  /^\s+at \S/m,
  /node_modules/,
  new RegExp(path.resolve(__dirname, '..', '..').replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')),
  /\.[jt]s:\d+/,
  /\bSELECT\s.+\bFROM\b/,
  /\bINSERT INTO\b/,
  // Drivers' names and error codes, as they appear in their messages; whole words only, and lower case where the
  // drivers write them so, since entity tags and tokens are random letters that may spell them in any case.
  /\bsqlite3?\b|SQLITE_[A-Z]+/,
  /\bknex\b/,
  /\bpostgres(ql)?\b|\bpg_[a-z_]+\b/,
  /\bmysql2?\b|\bmariadb\b|\bER_[A-Z_]+\b/,
];

/** The first leak pattern `text` matches, or null. */
export function leakIn(text: string): RegExp | null {
  return LEAKS.find((leak) => leak.test(text)) ?? null;
}

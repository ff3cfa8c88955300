/** One object cut from an imported file: its text to store, or why it could not even be cut out. */
export type ImportItem = { uid: string; text: string } | { uid: string | null; problem: string };

/** A file cut into objects. The texts are made as the items are read, so that only one is held at a time. */
export interface SplitFile {
  total: number;
  items: Iterable<ImportItem>;
}

export interface SkippedObject {
  /** The object's UID; null when it could not be read far enough to know it. */
  uid: string | null;
  reason: string;
}

export interface ImportSummary {
  created: number;
  updated: number;
  skipped: SkippedObject[];
  total: number;
}

export type ImportProgress = (processed: number, total: number) => void;

/** The largest file an import takes. */
export const MAX_IMPORT_BYTES = 50 * 1024 * 1024;

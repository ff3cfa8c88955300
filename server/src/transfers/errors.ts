/** A file that cannot be imported at all: nothing of it is stored. The message is meant for the person importing. */
export class ImportRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ImportRefusedError';
  }
}

/** One object of a file that is not stored (the rest of the file is): the message says why. */
export class ObjectSkippedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ObjectSkippedError';
  }
}

/** A calendar or address book the import cannot write to, though it exists. */
export class TargetUnusableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TargetUnusableError';
  }
}

/** Import and export of whole calendars and address books: the admin routes and the command line use these. */
export { createTransferService, checkImportSize, type PreparedImport, type TransferService } from './service';
export { createJobRegistry, type ImportJob, type JobRegistry } from './jobs';
export { ImportRefusedError, TargetUnusableError } from './errors';
export { readUpload, UploadError } from './upload';
export { notFoundMessage, type CollectionRef } from './targets';
export { MAX_IMPORT_BYTES, type ImportSummary, type SkippedObject } from './types';

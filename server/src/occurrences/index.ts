export { createOccurrenceService, type OccurrencePage, type OccurrenceService } from './service';
export type { PublicOccurrence } from './expand';

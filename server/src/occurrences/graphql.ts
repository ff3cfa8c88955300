/**
 * The occurrences API as a GraphQL query, `calendarOccurrences`, when the site has Strapi's GraphQL plugin: the same
 * parameters, answer and permission (`plugin::caldav.occurrences.find`, set per role) as the REST route. Without the
 * plugin nothing is registered.
 */
import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';

import { AdminApiError } from '../admin-api';
import { contentApiUserId } from '../controllers/occurrences';
import { createOccurrenceService } from './service';

/** The parts of nexus's definition builder used here (the GraphQL plugin hands nexus in; it is not a dependency). */
interface FieldChain {
  string(name: string): void;
  boolean(name: string): void;
  int(name: string): void;
  field(name: string, config: { type: string }): void;
  list: { nonNull: FieldChain };
  nonNull: FieldChain;
}

interface QueryField {
  type: unknown;
  args: Record<string, unknown>;
  resolve(parent: unknown, args: Record<string, unknown>, context: { state?: unknown }): Promise<unknown>;
}

interface Nexus {
  objectType(config: { name: string; description?: string; definition(t: FieldChain): void }): unknown;
  extendType(config: { type: 'Query'; definition(t: { field(name: string, config: QueryField): void }): void }): unknown;
  nonNull(type: unknown): unknown;
  list(type: unknown): unknown;
  stringArg(config?: { description?: string }): unknown;
  intArg(config?: { description?: string }): unknown;
}

interface GraphqlExtensionService {
  use(extension: (context: { nexus: Nexus }) => { types: unknown[]; resolversConfig: Record<string, unknown> }): void;
}

export const OCCURRENCES_ACTION = 'plugin::caldav.occurrences.find';

/** Refusals in the error types the GraphQL plugin reports to callers (BAD_USER_INPUT, NOT_FOUND), with their message. */
function asStrapiError(error: unknown): unknown {
  if (!(error instanceof AdminApiError)) return error;
  return error.status === 404 ? new errors.NotFoundError(error.message) : new errors.ValidationError(error.message);
}

export function registerOccurrencesQuery(strapi: Core.Strapi): void {
  const graphql = strapi.plugin('graphql');
  if (!graphql) return;
  const occurrences = createOccurrenceService(strapi);
  const extension = graphql.service('extension') as unknown as GraphqlExtensionService;

  extension.use(({ nexus }) => ({
    types: [
      nexus.objectType({
        name: 'CalendarOccurrenceCalendar',
        definition(t) {
          t.nonNull.string('slug');
          t.nonNull.string('name');
          t.string('color');
        },
      }),
      nexus.objectType({
        name: 'CalendarOccurrence',
        description: 'One occurrence of an event: a single event, or one date of a recurring series.',
        definition(t) {
          t.nonNull.string('documentId');
          t.string('recurrenceId');
          t.nonNull.field('calendar', { type: 'CalendarOccurrenceCalendar' });
          t.string('summary');
          t.string('location');
          t.string('description');
          t.string('url');
          t.nonNull.list.nonNull.string('categories');
          t.string('status');
          t.nonNull.boolean('allDay');
          t.nonNull.string('start');
          t.nonNull.string('end');
          t.nonNull.string('localStart');
          t.nonNull.string('localEnd');
        },
      }),
      nexus.objectType({
        name: 'CalendarOccurrencePagination',
        definition(t) {
          t.nonNull.int('page');
          t.nonNull.int('pageSize');
          t.nonNull.int('pageCount');
          t.nonNull.int('total');
        },
      }),
      nexus.objectType({
        name: 'CalendarOccurrenceWindow',
        definition(t) {
          t.nonNull.string('start');
          t.nonNull.string('end');
          t.nonNull.string('timeZone');
        },
      }),
      nexus.objectType({
        name: 'CalendarOccurrenceMeta',
        definition(t) {
          t.nonNull.field('pagination', { type: 'CalendarOccurrencePagination' });
          t.nonNull.field('window', { type: 'CalendarOccurrenceWindow' });
        },
      }),
      nexus.objectType({
        name: 'CalendarOccurrences',
        definition(t) {
          t.nonNull.list.nonNull.field('data', { type: 'CalendarOccurrence' });
          t.nonNull.field('meta', { type: 'CalendarOccurrenceMeta' });
        },
      }),
      nexus.extendType({
        type: 'Query',
        definition(t) {
          t.field('calendarOccurrences', {
            type: nexus.nonNull('CalendarOccurrences'),
            args: {
              calendar: nexus.nonNull(nexus.list(nexus.nonNull('String'))),
              start: nexus.nonNull(nexus.stringArg({ description: 'ISO 8601 date or date-time; without an offset, in `tz`' })),
              end: nexus.nonNull(nexus.stringArg({ description: 'ISO 8601 date or date-time; without an offset, in `tz`' })),
              tz: nexus.stringArg({ description: 'IANA time zone of the local times (default UTC)' }),
              limit: nexus.intArg(),
              page: nexus.intArg(),
            },
            async resolve(_parent, args, context) {
              try {
                return await occurrences.find(args, contentApiUserId(context.state));
              } catch (error) {
                throw asStrapiError(error);
              }
            },
          });
        },
      }),
    ],
    resolversConfig: { 'Query.calendarOccurrences': { auth: { scope: [OCCURRENCES_ACTION] } } },
  }));
}

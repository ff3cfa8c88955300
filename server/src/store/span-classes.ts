import type { Core } from '@strapi/strapi';

import { EVENT_UID } from '../uids';
import { spanClassOf } from './event-data';
import { createSchema, dateOf, tables } from './sql';

const BATCH = 1000;

/**
 * Gives events stored before span classes existed their class (see spanClassOf), in batches. Until then time-range
 * queries read them on every query, which is correct but slower; every write sets the class.
 */
export async function fillSpanClasses(strapi: Core.Strapi): Promise<number> {
  const schema = createSchema(strapi);
  const events = schema.table(EVENT_UID);
  const [span, first, last] = ['occurrenceSpan', 'firstOccurrence', 'lastOccurrence'].map((attribute) => schema.column(EVENT_UID, attribute));
  let filled = 0;
  for (;;) {
    const table = await tables(strapi);
    const rows = (await table(events).whereNull(span).select({ id: 'id', first, last }).limit(BATCH)) as Array<{ id: number; first: unknown; last: unknown }>;
    if (rows.length === 0) return filled;
    const byClass = new Map<number, number[]>();
    for (const row of rows) {
      const spanClass = spanClassOf(row.first === null ? null : dateOf(row.first), row.last === null ? null : dateOf(row.last));
      byClass.set(spanClass, [...(byClass.get(spanClass) ?? []), row.id]);
    }
    await strapi.db.transaction(async () => {
      const inTransaction = await tables(strapi);
      for (const [spanClass, ids] of byClass) await inTransaction(events).whereIn('id', ids).update({ [span]: spanClass });
    });
    filled += rows.length;
  }
}

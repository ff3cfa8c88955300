import { createHash } from 'node:crypto';

import type { Core } from '@strapi/strapi';
import type { Knex } from 'knex';

/**
 * Table and column names for plain SQL on the hot paths, read from Strapi's own model metadata so that they always
 * match the schema Strapi created (snake-cased names, link tables of relations).
 */

interface AttributeMeta {
  columnName?: string;
  joinTable?: {
    name: string;
    joinColumn: { name: string };
    inverseJoinColumn: { name: string };
    orderColumnName?: string;
    inverseOrderColumnName?: string;
  };
}

interface ModelMeta {
  tableName: string;
  attributes: Record<string, AttributeMeta>;
}

/** The link table of a relation: `from` holds the id of the row that has the attribute, `to` the target's id. */
export interface Link {
  table: string;
  from: string;
  to: string;
  /** The column ordering the rows on the target's side (e.g. the events of a calendar), if any. */
  inverseOrder: string | null;
}

export function createSchema(strapi: Core.Strapi) {
  const meta = (uid: string): ModelMeta => {
    const model = strapi.db.metadata.get(uid) as unknown as ModelMeta | undefined;
    if (!model) throw new Error(`caldav: no database model for ${uid}`);
    return model;
  };
  return {
    table: (uid: string) => meta(uid).tableName,
    column(uid: string, attribute: string): string {
      const columnName = meta(uid).attributes[attribute]?.columnName;
      if (!columnName) throw new Error(`caldav: ${uid} has no column for ${attribute}`);
      return columnName;
    },
    link(uid: string, attribute: string): Link {
      const joinTable = meta(uid).attributes[attribute]?.joinTable;
      if (!joinTable) throw new Error(`caldav: ${uid}.${attribute} is not a relation with a link table`);
      return { table: joinTable.name, from: joinTable.joinColumn.name, to: joinTable.inverseJoinColumn.name, inverseOrder: joinTable.inverseOrderColumnName ?? null };
    },
  };
}

export type Schema = ReturnType<typeof createSchema>;

/** The knex connection of Strapi's database. */
export const knexOf = (strapi: Core.Strapi): Knex => strapi.db.connection as unknown as Knex;

/** A datetime as the drivers return it: a Date (PostgreSQL, MySQL), epoch milliseconds or a string (SQLite). */
export function dateOf(value: unknown): Date {
  if (value instanceof Date) return value;
  if (typeof value === 'number') return new Date(value);
  if (typeof value === 'string') return /^\d+$/.test(value) ? new Date(Number(value)) : new Date(value);
  return new Date(0);
}

/** A JSON column's value: parsed by the driver (PostgreSQL, MySQL) or text (SQLite, MariaDB). */
export function jsonOf(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return null;
  }
}

/**
 * A query builder for a table (`"name as alias"` allowed) on Strapi's connection, inside the current transaction
 * when there is one: a read made during a write must see that write, and must not wait for the connection the
 * transaction holds (SQLite has only one).
 */
export type Tables = ((table: string) => Knex.QueryBuilder) & Pick<Knex, 'raw' | 'ref'>;

export async function tables(strapi: Core.Strapi): Promise<Tables> {
  const connection: Knex = strapi.db.inTransaction()
    ? ((await strapi.db.transaction()) as unknown as { get(): Knex.Transaction }).get()
    : knexOf(strapi);
  const schema = strapi.db.getSchemaName() as string | undefined;
  const table = (name: string) => (schema ? connection(name).withSchema(schema) : connection(name));
  return Object.assign(table, { raw: connection.raw.bind(connection), ref: connection.ref.bind(connection) }) as Tables;
}

/** A value given when a compiled select runs: `parameter(0)` is the first. */
type Compiled = { sql: string; name: string | null; bindings: Array<{ parameter: number } | { value: Knex.Value }> };

const parameterMarker = /^\u0000caldav-parameter-(\d+)\u0000$/;
const parameter = (index: number): string => `\u0000caldav-parameter-${index}\u0000`;

/** The rows of a raw select, whatever the driver: an array (SQLite), `{ rows }` (PostgreSQL), `[rows, fields]` (MySQL). */
function rowsOfRaw(client: string, result: unknown): unknown[] {
  if (client === 'postgres') return (result as { rows: unknown[] }).rows;
  if (client === 'mysql') return (result as [unknown[], unknown])[0];
  return result as unknown[];
}

const preparing = new WeakMap<Core.Strapi, boolean>();

/**
 * Whether the hot statements go to PostgreSQL as named prepared statements: the server then parses and plans each
 * once per connection instead of on every request, which is most of what a small statement costs it (a lookup by
 * an index: about 0.3 ms unprepared, 0.1 ms prepared, on loopback). `postgresPreparedStatements: false` turns it off
 * for a connection pooler that cannot keep prepared statements (PgBouncer in transaction mode before 1.21).
 */
function prepares(strapi: Core.Strapi): boolean {
  let enabled = preparing.get(strapi);
  if (enabled === undefined) {
    enabled = strapi.db.dialect.client === 'postgres' && strapi.config.get<boolean>('plugin::caldav.postgresPreparedStatements', true) !== false;
    preparing.set(strapi, enabled);
  }
  return enabled;
}

/** The name a statement is prepared under: the same text always gets the same name, on every connection. */
const statementName = (sql: string): string => `caldav_${createHash('sha1').update(sql).digest('hex').slice(0, 24)}`;

/**
 * Runs a statement of a fixed shape (the same text whatever its values), prepared where `prepares` says so, and
 * gives its rows (those of RETURNING for a write). Only for statements whose text cannot vary with the request:
 * each distinct text is kept prepared on every connection.
 */
export async function runFixed<Row>(strapi: Core.Strapi, table: Tables, query: Knex.QueryBuilder): Promise<Row[]> {
  if (!prepares(strapi)) return (await query) as Row[];
  const { sql, bindings } = query.toSQL();
  const result = (await table.raw(sql, bindings as Knex.RawBinding[]).options({ name: statementName(sql) })) as { rows: Row[] };
  return result.rows;
}

/**
 * A SELECT built once with knex and then run as raw SQL with new values. Building a query with knex costs about as
 * much as running a small one on SQLite, and these run on every request (the collection and the member a URL
 * names). `build` marks each value with `parameter(index)`; the values given to the returned function fill them.
 */
export function compiledSelect<Row>(
  strapi: Core.Strapi,
  build: (table: Tables, parameter: (index: number) => string) => Knex.QueryBuilder,
): (...values: Knex.Value[]) => Promise<Row[]> {
  let compiled: Compiled | null = null;
  return async (...values) => {
    const table = await tables(strapi);
    if (!compiled) {
      const { sql, bindings } = build(table, parameter).toSQL();
      compiled = {
        sql,
        name: prepares(strapi) ? statementName(sql) : null,
        bindings: bindings.map((value) => {
          const marker = typeof value === 'string' ? parameterMarker.exec(value) : null;
          return marker ? { parameter: Number(marker[1]) } : { value };
        }),
      };
    }
    const bindings = compiled.bindings.map((binding) => ('parameter' in binding ? values[binding.parameter] : binding.value));
    const statement = table.raw(compiled.sql, bindings);
    return rowsOfRaw(strapi.db.dialect.client, await (compiled.name ? statement.options({ name: compiled.name }) : statement)) as Row[];
  };
}

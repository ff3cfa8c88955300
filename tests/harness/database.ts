import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export type DatabaseClient = 'sqlite' | 'postgres' | 'mysql';

export interface TestDatabase {
  client: DatabaseClient;
  /** Environment variables that point the test app's `config/database.js` at this database. */
  env: Record<string, string>;
  drop(): Promise<void>;
}

export function databaseClient(): DatabaseClient {
  const client = process.env.DATABASE_CLIENT ?? 'sqlite';
  if (client === 'sqlite' || client === 'postgres' || client === 'mysql') return client;
  throw new Error(`DATABASE_CLIENT must be sqlite, postgres or mysql (got "${client}")`);
}

const host = () => process.env.DATABASE_HOST ?? '127.0.0.1';

/** Creates an empty database of its own for one booted app; `drop()` removes it. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const client = databaseClient();
  const name = `caldav_test_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;

  if (client === 'sqlite') {
    const dir = mkdtempSync(path.join(tmpdir(), 'caldav-test-'));
    return {
      client,
      env: { DATABASE_CLIENT: 'sqlite', DATABASE_FILENAME: path.join(dir, 'data.db') },
      async drop() {
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }

  if (client === 'postgres') {
    const { Client } = await import('pg');
    const port = Number(process.env.DATABASE_PORT ?? 5432);
    const user = process.env.DATABASE_USERNAME ?? 'postgres';
    const password = process.env.DATABASE_PASSWORD ?? '';
    const admin = async (sql: string) => {
      const connection = new Client({ host: host(), port, user, password, database: 'postgres' });
      await connection.connect();
      try {
        await connection.query(sql);
      } finally {
        await connection.end();
      }
    };
    await admin(`CREATE DATABASE "${name}"`);
    return {
      client,
      env: { DATABASE_CLIENT: 'postgres', DATABASE_NAME: name, DATABASE_HOST: host(), DATABASE_PORT: String(port), DATABASE_USERNAME: user, DATABASE_PASSWORD: password },
      drop: () => admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`),
    };
  }

  const mysql = await import('mysql2/promise');
  const port = Number(process.env.DATABASE_PORT ?? 3306);
  const user = process.env.DATABASE_USERNAME ?? 'root';
  const password = process.env.DATABASE_PASSWORD ?? '';
  const admin = async (sql: string) => {
    const connection = await mysql.createConnection({ host: host(), port, user, password });
    try {
      await connection.query(sql);
    } finally {
      await connection.end();
    }
  };
  await admin(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  return {
    client,
    env: { DATABASE_CLIENT: 'mysql', DATABASE_NAME: name, DATABASE_HOST: host(), DATABASE_PORT: String(port), DATABASE_USERNAME: user, DATABASE_PASSWORD: password },
    drop: () => admin(`DROP DATABASE IF EXISTS \`${name}\``),
  };
}

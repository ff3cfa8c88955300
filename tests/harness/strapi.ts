import { fork } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

import { createStrapi, type Core } from '@strapi/strapi';

import type { CollectionStore } from '../../server/src/store/collections';
import { createTestDatabase, type TestDatabase } from './database';

export interface TestServer {
  strapi: Core.Strapi;
  /** Origin of the running site, e.g. http://127.0.0.1:41234 */
  origin: string;
  database: TestDatabase;
  /** The plugin's own services, the way the demo and the tests create data. */
  collections: CollectionStore;
  stop(): Promise<void>;
}

export interface StartOptions {
  /** The plugin's `config` as a site owner would write it in config/plugins. */
  pluginConfig?: Record<string, unknown>;
  /** A database an earlier boot used (and did not drop), to boot again on what it left; default: a new one. */
  database?: TestDatabase;
  /** Settings of Strapi's `config/server` on top of the test app's, e.g. `{ url: 'https://...', proxy: { koa: true } }`. */
  serverConfig?: Record<string, unknown>;
  /** Whether the site also runs Strapi's GraphQL plugin (at /graphql). */
  graphql?: boolean;
  /** Whether the site's email plugin uses the test provider that records what it sends (tests/harness/email.ts). */
  email?: boolean;
}

export interface SecondProcess {
  origin: string;
  /** Stops it as an operator would (Strapi shuts down cleanly). */
  stop(): Promise<void>;
  /** Kills it at once (SIGKILL), as a crash or an OOM kill would: no shutdown, open transactions cut off. */
  kill(): Promise<void>;
}

export interface SecondProcessOptions {
  /** Environment variables over the database's, e.g. DATABASE_PORT pointing at a proxy. */
  env?: Record<string, string>;
}

/** Boots another Strapi process on the same database as `server` (which must already be running). */
export async function startSecondProcess(server: Pick<TestServer, 'database'>, options: SecondProcessOptions = {}): Promise<SecondProcess> {
  const child = fork(path.join(__dirname, 'child-strapi.js'), [], {
    env: { ...process.env, ...server.database.env, STRAPI_LOG_LEVEL: 'error', ...options.env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (message) => resolve((message as { port: number }).port));
    child.once('exit', (code) => reject(new Error(`the second Strapi process exited with ${code}`)));
  });
  return {
    origin: `http://127.0.0.1:${port}`,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.send('stop');
      await exited;
    },
    async kill() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGKILL');
      await exited;
    },
  };
}

const appDir = path.join(__dirname, '..', 'app');

/** Creates the Strapi instance on a fresh database; `load()` is left to the caller. */
export async function createTestStrapi(options: StartOptions = {}): Promise<{ strapi: Core.Strapi; database: TestDatabase }> {
  const database = options.database ?? (await createTestDatabase());
  Object.assign(process.env, database.env, {
    CALDAV_TEST_CONFIG: JSON.stringify(options.pluginConfig ?? {}),
    CALDAV_TEST_SERVER_CONFIG: JSON.stringify(options.serverConfig ?? {}),
    CALDAV_TEST_GRAPHQL: options.graphql ? 'true' : 'false',
    CALDAV_TEST_EMAIL: options.email ? 'recorder' : '',
  });
  const strapi = createStrapi({ appDir, distDir: appDir });
  return { strapi, database };
}

/** Boots a real Strapi with the plugin on a fresh database and a free port. Share one per test file. */
export async function startTestServer(options: StartOptions = {}): Promise<TestServer> {
  const { strapi, database } = await createTestStrapi(options);
  try {
    await strapi.load();
    await strapi.listen();
  } catch (error) {
    await strapi.destroy().catch(() => undefined);
    await database.drop();
    throw error;
  }
  const { port } = strapi.server.httpServer.address() as AddressInfo;
  return {
    strapi,
    origin: `http://127.0.0.1:${port}`,
    database,
    collections: strapi.plugin('caldav').service('collections') as CollectionStore,
    async stop() {
      await strapi.destroy();
      await database.drop();
    },
  };
}

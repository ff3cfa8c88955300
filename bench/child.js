// @ts-check
'use strict';

/**
 * The server under test: a real Strapi with the plugin's TypeScript source (compiled by swc on require, like
 * tests/harness/child-strapi.js), on the database the parent chose through DATABASE_* variables. It creates the
 * benchmark's user, a public calendar and an address book through the plugin's own services (PROPPATCH cannot
 * make a calendar public), then tells the parent where they are and waits for 'stop'.
 */

const fs = require('node:fs');
const path = require('node:path');
const { transformSync } = require('@swc/core');

require.extensions['.ts'] = (module, filename) => {
  const source = fs.readFileSync(filename, 'utf8');
  const { code } = transformSync(source, {
    filename,
    jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
    module: { type: 'commonjs' },
  });
  // @ts-ignore Module#_compile is internal but stable; the test harness relies on it too.
  module._compile(code, filename);
};

const USERNAME = 'bench';
const PASSWORD = 'bench-password-1';
const CALENDAR_SLUG = 'bench-cal';
const BOOK_SLUG = 'bench-book';

/**
 * BENCH_SQL_STATS=1: times every SQL statement the server runs and prints, at the end, the statements that took the
 * most time in all (to find what a request spends its time on).
 * @param {import('knex').Knex} knex
 */
function collectSqlStats(knex) {
  /** @type {Map<string, number>} */
  const started = new Map();
  /** @type {Map<string, { count: number, ms: number }>} */
  const totals = new Map();
  knex.on('query', (query) => started.set(query.__knexQueryUid, performance.now()));
  const finish = (/** @type {any} */ _error, /** @type {any} */ query) => {
    const start = started.get(query.__knexQueryUid);
    if (start === undefined) return;
    started.delete(query.__knexQueryUid);
    const entry = totals.get(query.sql) ?? { count: 0, ms: 0 };
    entry.count += 1;
    entry.ms += performance.now() - start;
    totals.set(query.sql, entry);
  };
  knex.on('query-response', (_response, query) => finish(null, query));
  knex.on('query-error', finish);
  return {
    print() {
      const top = [...totals].sort((a, b) => b[1].ms - a[1].ms).slice(0, 25);
      for (const [sql, { count, ms }] of top) console.error(`${ms.toFixed(0).padStart(8)} ms ${String(count).padStart(7)}x  ${sql.slice(0, 400)}`);
    },
  };
}

async function main() {
  const { createStrapi } = require('@strapi/strapi');
  const appDir = path.join(__dirname, '..', 'tests', 'app');
  const app = createStrapi({ appDir, distDir: appDir });
  await app.load();
  const sqlStats = process.env.BENCH_SQL_STATS ? collectSqlStats(app.db.connection) : null;
  // Time spent checking account passwords (bcrypt), to show how little of a client's traffic it costs.
  const passwords = app.plugin('caldav').service('passwords');
  const verifyPassword = passwords.verify.bind(passwords);
  let hashing = { calls: 0, ms: 0 };
  passwords.verify = async (/** @type {string} */ password, /** @type {string} */ hash) => {
    const started = performance.now();
    try {
      return await verifyPassword(password, hash);
    } finally {
      hashing.calls += 1;
      hashing.ms += performance.now() - started;
    }
  };
  await app.listen();

  // A database kept from an earlier run (DATABASE_FILENAME given) is used as it is.
  const existing = await app.db.query('plugin::users-permissions.user').findOne({ where: { username: USERNAME } });
  if (!existing) {
    const role = await app.db.query('plugin::users-permissions.role').findOne({ where: { type: 'authenticated' } });
    const user = await app.plugin('users-permissions').service('user').add({
      username: USERNAME,
      email: `${USERNAME}@example.test`,
      password: PASSWORD,
      provider: 'local',
      confirmed: true,
      blocked: false,
      role: role?.id,
    });
    const collections = app.plugin('caldav').service('collections');
    await collections.createCalendar({ owner: user.documentId, name: 'Bench', slug: CALENDAR_SLUG, visibility: 'public' });
    await collections.createAddressBook({ owner: user.documentId, name: 'Bench contacts', slug: BOOK_SLUG });
  }

  const origin = `http://127.0.0.1:${/** @type {import('node:net').AddressInfo} */ (app.server.httpServer.address()).port}`;
  /** @type {NonNullable<typeof process.send>} */ (process.send)({
    origin,
    user: USERNAME,
    password: PASSWORD,
    email: `${USERNAME}@example.test`,
    calendarUrl: `${origin}/dav/calendars/${USERNAME}/${CALENDAR_SLUG}/`,
    addressBookUrl: `${origin}/dav/addressbooks/${USERNAME}/${BOOK_SLUG}/`,
    feedUrl: `${origin}/dav/feeds/${CALENDAR_SLUG}.ics`,
    occurrencesUrl: `${origin}/api/caldav/occurrences?calendar=${CALENDAR_SLUG}`,
  });
  process.on('message', async (message) => {
    if (message === 'memory') {
      // With --expose-gc (BENCH_EXPOSE_GC=1), after a full collection: what is really kept, not yet-unreclaimed garbage.
      if (typeof global.gc === 'function') global.gc();
      /** @type {NonNullable<typeof process.send>} */ (process.send)({ memory: process.memoryUsage() });
      return;
    }
    if (message === 'cpu') {
      // CPU time the server used so far (user + system), steadier than wall time on a busy machine.
      /** @type {NonNullable<typeof process.send>} */ (process.send)({ cpu: process.cpuUsage() });
      return;
    }
    if (message === 'hashing') {
      /** @type {NonNullable<typeof process.send>} */ (process.send)({ hashing });
      hashing = { calls: 0, ms: 0 };
      return;
    }
    if (message === 'stop') {
      if (sqlStats) sqlStats.print();
      await app.destroy();
      process.exit(0);
    }
  });
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});

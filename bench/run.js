// @ts-check
'use strict';

/**
 * `npm run bench`: boots the plugin in a real Strapi on a fresh database (bench/child.js), seeds events and contacts
 * over DAV, times the operations clients actually do, and optionally runs the same workload against another
 * server (Radicale started by ../shared/reference-servers/radicale.sh, or any CalDAV calendar URL).
 *
 *   node bench/run.js [--events N] [--contacts N] [--compare-radicale | --compare-sabredav]
 *                     [--compare URL --user U --password P [--compare-book URL]]
 *
 * BENCH_CPU_PROFILE=DIR writes a CPU profile of the server; BENCH_SQL_STATS=1 prints the SQL it spent most time on;
 * BENCH_KEEP_DATABASE=1 keeps the seeded database instead of dropping it; BENCH_PLUGIN_CONFIG='{"sqliteSynchronous":"normal"}'
 * runs the server with those plugin settings.
 *
 * Loopback only; every measurement is bounded in count and time (see OPERATIONS).
 */

const http = require('node:http');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { fork, execFileSync } = require('node:child_process');
const { makeEvent, expectedInWindow, makeContact, DAY_MS } = require('./data');

// ---------------------------------------------------------------------------------------------------------------
// Options

/** @param {string[]} argv */
function parseArgs(argv) {
  const options = {
    events: 10000,
    contacts: /** @type {number | undefined} */ (undefined),
    compare: /** @type {string | undefined} */ (undefined),
    compareBook: /** @type {string | undefined} */ (undefined),
    compareRadicale: false,
    compareSabredav: false,
    user: /** @type {string | undefined} */ (undefined),
    password: /** @type {string | undefined} */ (undefined),
  };
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    const value = () => {
      const next = argv[++i];
      if (next === undefined) throw new Error(`${arg} needs a value`);
      return next;
    };
    if (arg === '--events') options.events = Number(value());
    else if (arg === '--contacts') options.contacts = Number(value());
    else if (arg === '--compare') options.compare = value();
    else if (arg === '--compare-book') options.compareBook = value();
    else if (arg === '--compare-radicale') options.compareRadicale = true;
    else if (arg === '--compare-sabredav') options.compareSabredav = true;
    else if (arg === '--user') options.user = value();
    else if (arg === '--password') options.password = value();
    else if (arg === '--help' || arg === '-h') {
      console.log(fs.readFileSync(__filename, 'utf8').split('*/')[0]);
      process.exit(0);
    } else throw new Error(`unknown option ${arg}`);
  }
  if (!Number.isInteger(options.events) || options.events < 20) throw new Error('--events must be an integer >= 20');
  const contacts = options.contacts ?? Math.round(options.events / 5);
  return { ...options, contacts };
}

// ---------------------------------------------------------------------------------------------------------------
// HTTP over one keep-alive connection, like a sync client

const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

/**
 * @param {string} method @param {string} url
 * @param {{ auth?: string, headers?: Record<string, string>, body?: string }} [options]
 * @returns {Promise<{ status: number, headers: http.IncomingHttpHeaders, body: string }>}
 */
function request(method, url, options = {}) {
  return new Promise((resolve, reject) => {
    const headers = { ...(options.headers ?? {}) };
    if (options.auth) headers.Authorization = options.auth;
    if (options.body !== undefined) headers['Content-Length'] = String(Buffer.byteLength(options.body));
    const req = http.request(url, { method, headers, agent, timeout: 300000 }, (res) => {
      const chunks = /** @type {Buffer[]} */ ([]);
      res.on('data', (chunk) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`${method} ${url} timed out`)));
    req.on('error', reject);
    if (options.body !== undefined) req.write(options.body);
    req.end();
  });
}

/** @param {{ status: number, body: string }} res @param {number[]} ok @param {string} what */
function expectStatus(res, ok, what) {
  if (!ok.includes(res.status)) throw new Error(`${what}: HTTP ${res.status} ${res.body.slice(0, 300)}`);
}

/** Every href in a multistatus, whatever the namespace prefix, as decoded last path segments. @param {string} xml */
const hrefNames = (xml) =>
  [...xml.matchAll(/<(?:[\w-]+:)?href>([^<]*)<\/(?:[\w-]+:)?href>/g)]
    .map((m) => decodeURIComponent(m[1].trim().replace(/\/$/, '').split('/').pop() ?? ''))
    .filter((name) => name.endsWith('.ics') || name.endsWith('.vcf'));
/** @param {string} xml */
const syncToken = (xml) => xml.match(/<(?:[\w-]+:)?sync-token>([^<]*)</)?.[1];

/** Resident memory of a process in MiB (Linux), or null. @param {number | undefined} pid */
function rssMiB(pid) {
  if (!pid) return null;
  try {
    const kb = Number(fs.readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmRSS:\s+(\d+)/)?.[1]);
    return Math.round(kb / 1024);
  } catch {
    return null;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Timing

/**
 * Runs `step` up to `maxReps` times, stopping early once `budgetMs` is spent (after at least 3 runs), and reports
 * percentiles of the timed part. `step` returns the milliseconds to count (so it can do untimed preparation).
 * @param {string} operation @param {number} maxReps @param {number} budgetMs @param {(i: number) => Promise<number>} step
 */
async function measure(operation, maxReps, budgetMs, step) {
  const durations = [];
  const started = Date.now();
  for (let i = 0; i < maxReps; i += 1) {
    durations.push(await step(i));
    if (i >= 2 && Date.now() - started > budgetMs) break;
  }
  return summarize(operation, durations);
}

/** @param {string} operation @param {number[]} durations */
function summarize(operation, durations) {
  const sorted = [...durations].sort((a, b) => a - b);
  const pick = (/** @type {number} */ q) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
  const total = durations.reduce((a, b) => a + b, 0);
  return {
    operation,
    count: durations.length,
    perSecond: round(durations.length / (total / 1000)),
    p50: round(pick(0.5)),
    p95: round(pick(0.95)),
  };
}

/** @param {number} x */
const round = (x) => (x >= 100 ? Math.round(x) : Math.round(x * 10) / 10);

/** @param {() => Promise<unknown>} fn */
async function timed(fn) {
  const t = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - t) / 1e6;
}

// ---------------------------------------------------------------------------------------------------------------
// Targets: the server under test and the one to compare with

/**
 * @typedef {{ label: string, calendarUrl: string, addressBookUrl?: string, feedUrl?: string, feedNote?: string,
 *   auth: string, pid?: number, stop: () => Promise<void>, retainedMiB?: () => Promise<number>, heapMiB?: () => Promise<{ heapUsed: number, heapTotal: number, external: number }>,
 *   hashing?: () => Promise<{ calls: number, ms: number }>, emailAuth?: string, occurrencesUrl?: string }} Target
 */

/** @param {string} user @param {string} password */
const basic = (user, password) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

/** A fresh, empty database of the kind DATABASE_CLIENT names (default SQLite), as tests/harness/database.ts does. */
async function createDatabase() {
  const client = process.env.DATABASE_CLIENT ?? 'sqlite';
  const name = `caldav_bench_${Date.now().toString(36)}`;
  const host = process.env.DATABASE_HOST ?? '127.0.0.1';
  if (client === 'sqlite') {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'caldav-bench-'));
    return { env: { DATABASE_CLIENT: 'sqlite', DATABASE_FILENAME: path.join(dir, 'data.db') }, drop: async () => fs.rmSync(dir, { recursive: true, force: true }) };
  }
  if (client === 'postgres') {
    const { Client } = require('pg');
    const port = Number(process.env.DATABASE_PORT ?? 5432);
    const user = process.env.DATABASE_USERNAME ?? 'postgres';
    const password = process.env.DATABASE_PASSWORD ?? '';
    const admin = async (/** @type {string} */ sql) => {
      const connection = new Client({ host, port, user, password, database: 'postgres' });
      await connection.connect();
      try { await connection.query(sql); } finally { await connection.end(); }
    };
    await admin(`CREATE DATABASE "${name}"`);
    return {
      env: { DATABASE_CLIENT: 'postgres', DATABASE_NAME: name, DATABASE_HOST: host, DATABASE_PORT: String(port), DATABASE_USERNAME: user, DATABASE_PASSWORD: password },
      drop: () => admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`),
    };
  }
  if (client === 'mysql') {
    const mysql = require('mysql2/promise');
    const port = Number(process.env.DATABASE_PORT ?? 3306);
    const user = process.env.DATABASE_USERNAME ?? 'root';
    const password = process.env.DATABASE_PASSWORD ?? '';
    const admin = async (/** @type {string} */ sql) => {
      const connection = await mysql.createConnection({ host, port, user, password });
      try { await connection.query(sql); } finally { await connection.end(); }
    };
    await admin(`CREATE DATABASE \`${name}\``);
    return {
      env: { DATABASE_CLIENT: 'mysql', DATABASE_NAME: name, DATABASE_HOST: host, DATABASE_PORT: String(port), DATABASE_USERNAME: user, DATABASE_PASSWORD: password },
      drop: () => admin(`DROP DATABASE IF EXISTS \`${name}\``),
    };
  }
  throw new Error(`DATABASE_CLIENT must be sqlite, postgres or mysql (got "${client}")`);
}

/** @returns {Promise<Target>} */
async function startStrapi() {
  const database = await createDatabase();
  const child = fork(path.join(__dirname, 'child.js'), [], {
    // Run as the README's Deployment section recommends (MALLOC_ARENA_MAX=2): glibc otherwise keeps a malloc arena
    // per thread that once allocated (V8's compiler and GC helpers), 20-40 MiB of resident memory that is never used
    // again. MALLOC_ARENA_MAX set in the environment (any value) is used instead.
    env: { MALLOC_ARENA_MAX: '2', ...process.env, ...database.env, STRAPI_LOG_LEVEL: 'error', CALDAV_TEST_CONFIG: process.env.BENCH_PLUGIN_CONFIG ?? '{}' },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    // BENCH_CPU_PROFILE=DIR writes a V8 CPU profile of the server process there, to see where its time goes.
    execArgv: ['--expose-gc', ...(process.env.BENCH_CPU_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROFILE}`] : [])],
  });
  /** @type {any} */
  const info = await new Promise((resolve, reject) => {
    child.once('message', resolve);
    child.once('exit', (code) => reject(new Error(`the Strapi process exited with ${code} before it was ready`)));
  });
  /** @param {string} message @returns {Promise<any>} */
  const ask = (message) =>
    new Promise((resolve) => {
      child.once('message', resolve);
      child.send(message);
    });
  return {
    label: 'strapi-caldav',
    /** Resident memory after a full garbage collection: what the server keeps, not garbage V8 has yet to reclaim. */
    retainedMiB: async () => Math.round((await ask('memory')).memory.rss / 1048576),
    /** The JavaScript heap in use and the memory outside it (buffers, native objects), after a full collection. */
    heapMiB: async () => {
      const { memory } = await ask('memory');
      return {
        heapUsed: Math.round(memory.heapUsed / 1048576),
        heapTotal: Math.round(memory.heapTotal / 1048576),
        external: Math.round(memory.external / 1048576),
      };
    },
    /** Password hashing (bcrypt) since the last call: { calls, ms }. */
    hashing: async () => (await ask('hashing')).hashing,
    emailAuth: basic(info.email, info.password),
    calendarUrl: info.calendarUrl,
    addressBookUrl: info.addressBookUrl,
    feedUrl: info.feedUrl,
    occurrencesUrl: info.occurrencesUrl,
    auth: basic(info.user, info.password),
    pid: child.pid,
    async stop() {
      await new Promise((resolve) => {
        if (child.exitCode !== null) return resolve(undefined);
        child.once('exit', resolve);
        child.send('stop');
      });
      // BENCH_KEEP_DATABASE=1 leaves the seeded database for a closer look (its settings are printed).
      if (process.env.BENCH_KEEP_DATABASE) console.error(`database kept: ${JSON.stringify(database.env)}`);
      else await database.drop();
    },
  };
}

const REFERENCE_SERVERS = path.join(__dirname, '..', '..', 'shared', 'reference-servers');

/**
 * Starts a reference server (Radicale or SabreDAV) with the shared scripts and creates its calendar and address book.
 * @param {'radicale' | 'sabredav'} name @returns {Promise<Target>}
 */
async function startReference(name) {
  const script = path.join(REFERENCE_SERVERS, `${name}.sh`);
  const output = execFileSync('bash', [script, 'start'], { encoding: 'utf8' });
  /** @type {Record<string, string>} */
  const vars = Object.fromEntries([...output.matchAll(/^(ROOT_URL|CAL_URL|USER|PASSWORD|PID)=(.*)$/gm)].map((m) => [m[1], m[2].trim()]));
  const auth = basic(vars.USER, vars.PASSWORD);
  const addressBookUrl = name === 'radicale' ? `${vars.ROOT_URL}${vars.USER}/bench-book/` : `${vars.ROOT_URL}addressbooks/${vars.USER}/bench-book/`;
  await createCollections(vars.CAL_URL, addressBookUrl, auth);
  return {
    label: name,
    calendarUrl: vars.CAL_URL,
    addressBookUrl,
    // Neither has a feed URL; a GET of the calendar collection answers the whole calendar as one .ics (Radicale).
    feedUrl: name === 'radicale' ? vars.CAL_URL : undefined,
    feedNote: 'GET of the calendar collection',
    auth,
    pid: Number(vars.PID),
    stop: async () => void execFileSync('bash', [script, 'stop'], { encoding: 'utf8' }),
  };
}

/** MKCALENDAR and extended MKCOL (address book); an existing collection is accepted. */
async function createCollections(/** @type {string} */ calendarUrl, /** @type {string | undefined} */ addressBookUrl, /** @type {string} */ auth) {
  const cal = await request('MKCALENDAR', calendarUrl, {
    auth,
    headers: { 'Content-Type': 'application/xml' },
    body: '<?xml version="1.0"?><C:mkcalendar xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:set><D:prop><D:displayname>Bench</D:displayname></D:prop></D:set></C:mkcalendar>',
  });
  expectStatus(cal, [201, 405], `MKCALENDAR ${calendarUrl}`);
  if (!addressBookUrl) return;
  const book = await request('MKCOL', addressBookUrl, {
    auth,
    headers: { 'Content-Type': 'application/xml' },
    body: '<?xml version="1.0"?><D:mkcol xmlns:D="DAV:" xmlns:CR="urn:ietf:params:xml:ns:carddav"><D:set><D:prop><D:resourcetype><D:collection/><CR:addressbook/></D:resourcetype><D:displayname>Bench contacts</D:displayname></D:prop></D:set></D:mkcol>',
  });
  expectStatus(book, [201, 405], `MKCOL ${addressBookUrl}`);
}

// ---------------------------------------------------------------------------------------------------------------
// The workload

const CALDAV_NS = 'xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"';
/** @param {Date} d */
const utcStamp = (d) => d.toISOString().replace(/[-:]/g, '').replace(/\.\d+/, '');

/** @typedef {{ target: string, rows: ReturnType<typeof summarize>[], notes: string[], facts: Record<string, unknown> }} WorkloadResult */

/** Seconds a server is left idle before its resident memory is read "at rest". */
const REST_SECONDS = 12;

/**
 * Resident memory after REST_SECONDS without requests and then a full collection: V8 gives back the heap pages it
 * no longer needs once the process has been idle for about 8 s (its memory reducer), so this is what the server
 * keeps, where a reading right after a burst of work also counts pages V8 has yet to return.
 * @param {() => Promise<number>} retainedMiB
 */
async function restingMiB(retainedMiB) {
  await new Promise((resolve) => setTimeout(resolve, REST_SECONDS * 1000));
  return retainedMiB();
}

/**
 * Seeds and measures one target, pausing (yield) between steps so that several targets can take turns: each
 * operation is then measured on all of them within seconds, and a slower spell of the machine cannot favour one.
 * Returns the rows, the notes and the facts (seeding rate, RSS, check results).
 * @param {Target} target @param {ReturnType<typeof parseArgs>} options @param {Date} today
 * @returns {AsyncGenerator<void, WorkloadResult>}
 */
async function* workload(target, options, today) {
  const { auth, calendarUrl } = target;
  /** @type {ReturnType<typeof summarize>[]} */
  const rows = [];
  /** @type {string[]} */
  const notes = [];
  /** @type {Record<string, unknown>} */
  const facts = {
    rssBeforeMiB: rssMiB(target.pid),
    retainedBeforeMiB: target.retainedMiB ? await target.retainedMiB() : null,
    heapBeforeMiB: target.heapMiB ? await target.heapMiB() : null,
    restingBeforeMiB: target.retainedMiB ? await restingMiB(target.retainedMiB) : null,
  };
  const log = (/** @type {string} */ line) => console.error(`[${target.label}] ${line}`);

  // Seeding: sequential PUTs, as a client's first upload would do.
  log(`seeding ${options.events} events`);
  const events = Array.from({ length: options.events }, (_, i) => makeEvent(i, today));
  /** @type {Map<string, string>} */
  const etags = new Map();
  const seedDurations = [];
  let seedMs = 0;
  let seedStart = Date.now();
  for (const [index, event] of events.entries()) {
    if (index > 0 && index % 500 === 0) {
      seedMs += Date.now() - seedStart;
      yield;
      seedStart = Date.now();
    }
    seedDurations.push(
      await timed(async () => {
        const res = await request('PUT', calendarUrl + encodeURIComponent(event.name), {
          auth,
          headers: { 'Content-Type': 'text/calendar; charset=utf-8', 'If-None-Match': '*' },
          body: event.ics(),
        });
        expectStatus(res, [201, 204], `PUT ${event.name}`);
        if (res.headers.etag) etags.set(event.name, String(res.headers.etag));
      }),
    );
  }
  seedMs += Date.now() - seedStart;
  facts.seedSeconds = round(seedMs / 1000);
  facts.seedPutsPerSecond = round(options.events / (seedMs / 1000));
  rows.push(summarize('seed PUT (create)', seedDurations));
  yield;

  // Contacts, when the target has an address book.
  if (target.addressBookUrl && options.contacts > 0) {
    log(`seeding ${options.contacts} contacts`);
    const contactStart = Date.now();
    for (let i = 0; i < options.contacts; i += 1) {
      const contact = makeContact(i);
      const res = await request('PUT', target.addressBookUrl + encodeURIComponent(contact.name), {
        auth,
        headers: { 'Content-Type': 'text/vcard; charset=utf-8', 'If-None-Match': '*' },
        body: contact.vcf,
      });
      expectStatus(res, [201, 204], `PUT ${contact.name}`);
    }
    facts.contactPutsPerSecond = round(options.contacts / ((Date.now() - contactStart) / 1000));
  }
  facts.rssAfterSeedMiB = rssMiB(target.pid);

  log('measuring');
  // GET of single events, spread over the calendar.
  rows.push(
    await measure('GET event', 500, 10000, (i) =>
      timed(async () => {
        const res = await request('GET', calendarUrl + encodeURIComponent(events[(i * 97) % events.length].name), { auth });
        expectStatus(res, [200], 'GET');
      }),
    ),
  );
  yield;

  // PROPFIND Depth 1 with getetag: what every client does to find changes without sync-collection.
  let propfindCount = 0;
  rows.push(
    await measure('PROPFIND depth 1 (getetag)', 10, 20000, () =>
      timed(async () => {
        const res = await request('PROPFIND', calendarUrl, {
          auth,
          headers: { Depth: '1', 'Content-Type': 'application/xml' },
          body: '<?xml version="1.0"?><D:propfind xmlns:D="DAV:"><D:prop><D:getetag/></D:prop></D:propfind>',
        });
        expectStatus(res, [207], 'PROPFIND');
        propfindCount = hrefNames(res.body).length;
      }),
    ),
  );
  if (propfindCount !== events.length) notes.push(`PROPFIND listed ${propfindCount} events, ${events.length} were seeded`);
  yield;

  // One month's calendar-query with calendar-data, checked against the occurrences computed from the seed.
  const monthStart = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth() + 1, 1));
  const monthEnd = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth() + 2, 1));
  const expected = expectedInWindow(events, monthStart, monthEnd);
  const queryBody = `<?xml version="1.0"?><C:calendar-query ${CALDAV_NS}><D:prop><D:getetag/><C:calendar-data/></D:prop><C:filter><C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT"><C:time-range start="${utcStamp(monthStart)}" end="${utcStamp(monthEnd)}"/></C:comp-filter></C:comp-filter></C:filter></C:calendar-query>`;
  /** @type {string[]} */
  let got = [];
  rows.push(
    await measure(`calendar-query 1 month (${expected.size} hits)`, 10, 20000, () =>
      timed(async () => {
        const res = await request('REPORT', calendarUrl, { auth, headers: { Depth: '1', 'Content-Type': 'application/xml' }, body: queryBody });
        expectStatus(res, [207], 'calendar-query');
        got = hrefNames(res.body);
      }),
    ),
  );
  const gotSet = new Set(got);
  const missing = [...expected].filter((n) => !gotSet.has(n));
  const unexpected = [...gotSet].filter((n) => !expected.has(n));
  facts.queryCheck = { expected: expected.size, returned: gotSet.size, missing: missing.length, unexpected: unexpected.length, ok: !missing.length && !unexpected.length };
  if (missing.length || unexpected.length) {
    notes.push(`calendar-query CHECK FAILED: ${missing.length} missing (e.g. ${missing.slice(0, 5).join(', ')}), ${unexpected.length} unexpected (e.g. ${unexpected.slice(0, 5).join(', ')})`);
  } else notes.push(`calendar-query check passed: exactly the ${expected.size} expected events`);
  yield;

  // The same month from the occurrences API (the site's front end, anonymous, on a public calendar), checked like the
  // query: every expected occurrence once. Only this server has it.
  const occurrencesUrl = target.occurrencesUrl;
  if (occurrencesUrl) {
    const expectedOccurrences = events.reduce((sum, event) => sum + event.dates.filter((d) => d >= monthStart && d < monthEnd).length, 0);
    const window = `start=${monthStart.toISOString()}&end=${monthEnd.toISOString()}`;
    /** @param {number} page */
    const fetchPage = async (page) => {
      const res = await request('GET', `${occurrencesUrl}&${window}&limit=1000&page=${page}`);
      expectStatus(res, [200], 'occurrences API');
      return /** @type {{ data: Array<{ summary: string }>, meta: { pagination: { total: number, pageCount: number } } }} */ (JSON.parse(res.body));
    };
    /** @type {{ data: Array<{ summary: string }>, meta: { pagination: { total: number, pageCount: number } } } | null} */
    let first = null;
    rows.push(await measure(`occurrences API 1 month (${expectedOccurrences} occurrences)`, 10, 20000, () => timed(async () => { first = await fetchPage(1); })));
    const answer = /** @type {{ data: Array<{ summary: string }>, meta: { pagination: { total: number, pageCount: number } } }} */ (/** @type {unknown} */ (first));
    const listed = [...answer.data];
    for (let page = 2; page <= answer.meta.pagination.pageCount; page += 1) listed.push(...(await fetchPage(page)).data);
    const indices = new Set(listed.map((occurrence) => `ev-${/\d+/.exec(occurrence.summary)?.[0]}.ics`));
    const ok = answer.meta.pagination.total === expectedOccurrences && listed.length === expectedOccurrences && [...expected].every((name) => indices.has(name)) && indices.size === expected.size;
    facts.occurrencesCheck = { expected: expectedOccurrences, total: answer.meta.pagination.total, events: indices.size, ok };
    notes.push(ok ? `occurrences API check passed: exactly the ${expectedOccurrences} expected occurrences of ${expected.size} events` : `occurrences API CHECK FAILED: ${JSON.stringify(facts.occurrencesCheck)}`);
    yield;
  }

  // The same query over the window (whole days from the month's start) whose answer is closest to 500 events, so
  // that the curve over N compares the cost of the same answer: it should grow with the answer, not the calendar.
  const fixedStart = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth() + 1, 1));
  const hitsIn = (/** @type {number} */ days) => expectedInWindow(events, fixedStart, new Date(fixedStart.getTime() + days * DAY_MS)).size;
  let low = 1;
  let high = 365;
  while (low < high) {
    const middle = Math.floor((low + high) / 2);
    if (hitsIn(middle) < 500) low = middle + 1;
    else high = middle;
  }
  const windowDays = low > 1 && Math.abs(hitsIn(low - 1) - 500) < Math.abs(hitsIn(low) - 500) ? low - 1 : low;
  const fixedEnd = new Date(fixedStart.getTime() + windowDays * DAY_MS);
  const fixedExpected = expectedInWindow(events, fixedStart, fixedEnd);
  const fixedBody = queryBody.replace(utcStamp(monthStart), utcStamp(fixedStart)).replace(utcStamp(monthEnd), utcStamp(fixedEnd));
  let fixedGot = new Set();
  rows.push(
    await measure(`calendar-query ${windowDays} days (${fixedExpected.size} hits)`, 10, 20000, () =>
      timed(async () => {
        const res = await request('REPORT', calendarUrl, { auth, headers: { Depth: '1', 'Content-Type': 'application/xml' }, body: fixedBody });
        expectStatus(res, [207], 'calendar-query (sized window)');
        fixedGot = new Set(hrefNames(res.body));
      }),
    ),
  );
  if (fixedGot.size !== fixedExpected.size || [...fixedExpected].some((name) => !fixedGot.has(name))) {
    notes.push(`calendar-query over ${windowDays} days CHECK FAILED: ${fixedGot.size} returned, ${fixedExpected.size} expected`);
  }
  yield;

  // calendar-multiget of 50 hrefs.
  const calendarPath = new URL(calendarUrl).pathname;
  rows.push(
    await measure('calendar-multiget 50', 100, 15000, (rep) => {
      const hrefs = Array.from({ length: 50 }, (_, k) => `<D:href>${calendarPath}${encodeURIComponent(events[(rep * 50 + k) * 31 % events.length].name)}</D:href>`).join('');
      return timed(async () => {
        const res = await request('REPORT', calendarUrl, {
          auth,
          headers: { Depth: '1', 'Content-Type': 'application/xml' },
          body: `<?xml version="1.0"?><C:calendar-multiget ${CALDAV_NS}><D:prop><D:getetag/><C:calendar-data/></D:prop>${hrefs}</C:calendar-multiget>`,
        });
        expectStatus(res, [207], 'calendar-multiget');
      });
    }),
  );
  yield;

  // PUT update with If-Match (only SUMMARY changes, so the query check above stays true).
  let edits = 0;
  /** @param {number} index */
  const update = async (index) => {
    const event = events[index % events.length];
    let etag = etags.get(event.name);
    if (!etag) etag = String((await request('HEAD', calendarUrl + encodeURIComponent(event.name), { auth })).headers.etag);
    edits += 1;
    const res = await request('PUT', calendarUrl + encodeURIComponent(event.name), {
      auth,
      headers: { 'Content-Type': 'text/calendar; charset=utf-8', 'If-Match': etag },
      body: event.ics(`Edited ${edits}`),
    });
    expectStatus(res, [200, 201, 204], `PUT If-Match ${event.name}`);
    if (res.headers.etag) etags.set(event.name, String(res.headers.etag));
    else etags.delete(event.name);
  };
  rows.push(await measure('PUT update (If-Match)', 200, 15000, (i) => timed(() => update(i * 13 + 1))));
  yield;

  // PUT create of new events (in their own name space, so the seeded data stays as computed).
  rows.push(
    await measure('PUT create', 200, 15000, (i) =>
      timed(async () => {
        const event = makeEvent(i, today, 'new');
        const res = await request('PUT', calendarUrl + encodeURIComponent(event.name), {
          auth,
          headers: { 'Content-Type': 'text/calendar; charset=utf-8', 'If-None-Match': '*' },
          body: event.ics(),
        });
        expectStatus(res, [201, 204], 'PUT create');
      }),
    ),
  );
  yield;

  // sync-collection, initial and after 10 changes.
  const syncBody = (/** @type {string} */ token) =>
    `<?xml version="1.0"?><D:sync-collection xmlns:D="DAV:"><D:sync-token>${token}</D:sync-token><D:sync-level>1</D:sync-level><D:prop><D:getetag/></D:prop></D:sync-collection>`;
  const probe = await request('REPORT', calendarUrl, { auth, headers: { 'Content-Type': 'application/xml' }, body: syncBody('') });
  if (probe.status !== 207 || !syncToken(probe.body)) {
    notes.push(`sync-collection skipped: not supported (HTTP ${probe.status})`);
  } else {
    rows.push(
      await measure('sync-collection initial', 10, 20000, () =>
        timed(async () => {
          const res = await request('REPORT', calendarUrl, { auth, headers: { 'Content-Type': 'application/xml' }, body: syncBody('') });
          expectStatus(res, [207], 'sync-collection');
        }),
      ),
    );
    let changedSeen = 0;
    rows.push(
      await measure('sync-collection after 10 changes', 5, 20000, async (rep) => {
        const before = await request('REPORT', calendarUrl, { auth, headers: { 'Content-Type': 'application/xml' }, body: syncBody('') });
        const token = syncToken(before.body) ?? '';
        for (let k = 0; k < 10; k += 1) await update(1000 + rep * 10 + k);
        return timed(async () => {
          const res = await request('REPORT', calendarUrl, { auth, headers: { 'Content-Type': 'application/xml' }, body: syncBody(token) });
          expectStatus(res, [207], 'sync-collection with token');
          changedSeen = hrefNames(res.body).length;
        });
      }),
    );
    if (changedSeen !== 10) notes.push(`sync-collection after 10 changes listed ${changedSeen} hrefs`);
  }
  yield;

  // The whole calendar as one .ics.
  if (target.feedUrl) {
    let bytes = 0;
    rows.push(
      await measure(`feed .ics (${target.feedNote ?? 'public feed'})`, 10, 20000, () =>
        timed(async () => {
          const res = await request('GET', /** @type {string} */ (target.feedUrl), target.feedNote ? { auth } : {});
          expectStatus(res, [200], 'feed');
          bytes = res.body.length;
        }),
      ),
    );
    facts.feedBytes = bytes;
  } else notes.push('feed skipped: no feed URL');
  yield;

  // addressbook-query on FN, checked against the seeded contacts.
  if (target.addressBookUrl && options.contacts > 0) {
    const family = 'Garcia';
    const expectedContacts = Array.from({ length: options.contacts }, (_, i) => makeContact(i)).filter((c) => c.family === family).length;
    let hits = 0;
    rows.push(
      await measure(`addressbook-query FN (${expectedContacts} hits)`, 20, 15000, () =>
        timed(async () => {
          const res = await request('REPORT', /** @type {string} */ (target.addressBookUrl), {
            auth,
            headers: { Depth: '1', 'Content-Type': 'application/xml' },
            body: `<?xml version="1.0"?><CR:addressbook-query xmlns:D="DAV:" xmlns:CR="urn:ietf:params:xml:ns:carddav"><D:prop><D:getetag/><CR:address-data/></D:prop><CR:filter><CR:prop-filter name="FN"><CR:text-match collation="i;unicode-casemap" match-type="contains">${family}</CR:text-match></CR:prop-filter></CR:filter></CR:addressbook-query>`,
          });
          expectStatus(res, [207], 'addressbook-query');
          hits = hrefNames(res.body).length;
        }),
      ),
    );
    if (hits !== expectedContacts) notes.push(`addressbook-query returned ${hits} contacts, expected ${expectedContacts}`);
  } else notes.push('addressbook-query skipped: no address book');
  yield;

  // A client's full sync signing in with Basic auth on every request, as clients do: an initial sync-collection,
  // then the events fetched by calendar-multiget of 50 (as measured above), 500 requests in all. The credentials are the account's
  // email and password, not yet seen by the server, so its first request pays for one password check.
  if (target.hashing && target.emailAuth) {
    await target.hashing();
    const syncAuth = target.emailAuth;
    const started = performance.now();
    const first = await request('REPORT', calendarUrl, { auth: syncAuth, headers: { 'Content-Type': 'application/xml' }, body: syncBody('') });
    expectStatus(first, [207], 'sync-collection (email sign-in)');
    const names = hrefNames(first.body);
    for (let k = 0; k < 499; k += 1) {
      const batch = Array.from({ length: 50 }, (_, j) => `<D:href>${calendarPath}${encodeURIComponent(names[(k * 50 + j) % names.length])}</D:href>`).join('');
      const res = await request('REPORT', calendarUrl, {
        auth: syncAuth,
        headers: { Depth: '1', 'Content-Type': 'application/xml' },
        body: `<?xml version="1.0"?><C:calendar-multiget ${CALDAV_NS}><D:prop><D:getetag/><C:calendar-data/></D:prop>${batch}</C:calendar-multiget>`,
      });
      expectStatus(res, [207], 'calendar-multiget (email sign-in)');
    }
    const totalMs = performance.now() - started;
    const hashing = await target.hashing();
    facts.basicAuthSync = { requests: 500, totalMs: round(totalMs), hashingMs: round(hashing.ms), hashingCalls: hashing.calls, hashingShare: `${round((100 * hashing.ms) / totalMs)}%` };
    notes.push(`a full sync of 500 requests with Basic auth took ${round(totalMs)} ms, of which ${round(hashing.ms)} ms (${round((100 * hashing.ms) / totalMs)}%) in ${hashing.calls} password check(s)`);
  }

  facts.rssAfterMiB = rssMiB(target.pid);
  facts.retainedAfterMiB = target.retainedMiB ? await target.retainedMiB() : null;
  facts.heapAfterMiB = target.heapMiB ? await target.heapMiB() : null;
  facts.restingAfterMiB = target.retainedMiB ? await restingMiB(target.retainedMiB) : null;
  return { target: target.label, rows, notes, facts };
}

// ---------------------------------------------------------------------------------------------------------------
// Output

/** @param {WorkloadResult[]} results */
function printTables(results) {
  const [ours, other] = results;
  const key = (/** @type {string} */ op) => op.replace(/ \(.*\)$/, '');
  const otherRows = new Map((other?.rows ?? []).map((r) => [key(r.operation), r]));
  const header = ['operation', 'n', 'req/s', 'p50 ms', 'p95 ms'];
  if (other) header.push(`${other.target} req/s`, 'p50 ms', 'p95 ms', `p50 ratio ${other.target}/ours`);
  const lines = [header];
  for (const row of ours.rows) {
    const line = [row.operation, String(row.count), String(row.perSecond), String(row.p50), String(row.p95)];
    if (other) {
      const o = otherRows.get(key(row.operation));
      line.push(...(o ? [String(o.perSecond), String(o.p50), String(o.p95), `${round(o.p50 / row.p50)}x`] : ['-', '-', '-', 'not supported']));
    }
    lines.push(line);
  }
  const widths = header.map((_, c) => Math.max(...lines.map((l) => l[c].length)));
  for (const [i, l] of lines.entries()) {
    console.log(l.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  '));
    if (i === 0) console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  }
  for (const result of results) {
    const f = result.facts;
    console.log(`\n${result.target}: seeding ${f.seedPutsPerSecond} PUT/s (${f.seedSeconds} s); RSS ${f.rssBeforeMiB} MiB before, ${f.rssAfterSeedMiB} after seeding, ${f.rssAfterMiB} at the end`);
    if (f.retainedBeforeMiB !== null && f.retainedBeforeMiB !== undefined) {
      console.log(`  resident after a full garbage collection: ${f.retainedBeforeMiB} MiB before, ${f.retainedAfterMiB} MiB at the end (growth ${Number(f.retainedAfterMiB) - Number(f.retainedBeforeMiB)} MiB; MALLOC_ARENA_MAX=${process.env.MALLOC_ARENA_MAX ?? '2'})`);
      console.log(`  at rest (${REST_SECONDS} s without requests, then a full collection): ${f.restingBeforeMiB} MiB before seeding, ${f.restingAfterMiB} MiB at the end (growth ${Number(f.restingAfterMiB) - Number(f.restingBeforeMiB)} MiB)`);
    }
    const heapBefore = /** @type {{ heapUsed: number, heapTotal: number, external: number } | null} */ (f.heapBeforeMiB);
    const heapAfter = /** @type {{ heapUsed: number, heapTotal: number, external: number } | null} */ (f.heapAfterMiB);
    if (heapBefore && heapAfter) {
      console.log(`  of which JavaScript heap in use ${heapBefore.heapUsed} -> ${heapAfter.heapUsed} MiB (reserved ${heapBefore.heapTotal} -> ${heapAfter.heapTotal} MiB), external ${heapBefore.external} -> ${heapAfter.external} MiB`);
    }
    for (const note of result.notes) console.log(`  - ${note}`);
  }
}

// ---------------------------------------------------------------------------------------------------------------

async function main() {
  const options = parseArgs(process.argv.slice(2));
  const now = new Date();
  const today = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
  const runStarted = Date.now();
  /** @type {WorkloadResult[]} */
  const results = [];

  console.error(`booting Strapi with the plugin (${process.env.DATABASE_CLIENT ?? 'sqlite'})`);
  const ours = await startStrapi();
  /** @type {Target | undefined} */
  let other;
  try {
    if (options.compareRadicale) other = await startReference('radicale');
    else if (options.compareSabredav) other = await startReference('sabredav');
    else if (options.compare) {
      if (!options.user || !options.password) throw new Error('--compare needs --user and --password');
      const auth = basic(options.user, options.password);
      const calendarUrl = options.compare.endsWith('/') ? options.compare : `${options.compare}/`;
      await createCollections(calendarUrl, options.compareBook, auth);
      other = { label: new URL(calendarUrl).host, calendarUrl, addressBookUrl: options.compareBook, feedUrl: calendarUrl, feedNote: 'GET of the calendar collection', auth, stop: async () => undefined };
    }
    // The targets take turns, step by step (see workload).
    const runs = [ours, ...(other ? [other] : [])].map((target) => workload(target, options, today));
    /** @type {Array<WorkloadResult | undefined>} */
    const finished = runs.map(() => undefined);
    while (finished.some((result) => result === undefined)) {
      for (const [index, run] of runs.entries()) {
        if (finished[index] !== undefined) continue;
        const step = await run.next();
        if (step.done) finished[index] = step.value;
      }
    }
    for (const result of finished) if (result) results.push(result);
  } finally {
    await ours.stop();
    if (other) await other.stop();
  }

  console.log(`\n${options.events} events, ${options.contacts} contacts, ${os.cpus().length} cores, node ${process.version}, ${process.env.DATABASE_CLIENT ?? 'sqlite'}\n`);
  printTables(results);
  console.log(`\nBENCH_JSON ${JSON.stringify({ events: options.events, contacts: options.contacts, cores: os.cpus().length, database: process.env.DATABASE_CLIENT ?? 'sqlite', seconds: round((Date.now() - runStarted) / 1000), results })}`);
  agent.destroy();
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
  agent.destroy();
});

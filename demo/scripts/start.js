'use strict';

/**
 * `npm run demo`: builds the admin panel when needed, starts the demo site, seeds it, prints where to go.
 * The data lives in demo/database/ and survives restarts.
 */

const { spawnSync } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const appDir = path.resolve(__dirname, '..');
const repoDir = path.resolve(appDir, '..');

const demoAdmin = { email: 'admin@demo.local', password: 'Demo-admin-1' };
const demoUsers = [
  { username: process.env.DEMO_USER || 'demo', password: process.env.DEMO_PASSWORD || 'demo-password' },
  { username: 'demo2', password: 'demo2-password' },
];

/** Random secrets on the first start, kept in demo/.env (not committed) so that sessions survive restarts. */
function ensureSecrets() {
  const file = path.join(appDir, '.env');
  if (fs.existsSync(file)) return;
  const secret = () => crypto.randomBytes(24).toString('base64');
  const lines = [
    `APP_KEYS=${[secret(), secret(), secret(), secret()].join(',')}`,
    `ADMIN_JWT_SECRET=${secret()}`,
    `API_TOKEN_SALT=${secret()}`,
    `TRANSFER_TOKEN_SALT=${secret()}`,
    `ENCRYPTION_KEY=${secret()}`,
    `JWT_SECRET=${secret()}`,
  ];
  fs.writeFileSync(file, `${lines.join('\n')}\n`, { mode: 0o600 });
}

/** A fingerprint of what `strapi build` builds from: the plugin's admin build, the site's own files, Strapi's version. */
function buildFingerprint() {
  const hash = crypto.createHash('sha256');
  hash.update(require('@strapi/strapi/package.json').version);
  const walk = (dir) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else hash.update(entry.name).update(fs.readFileSync(full));
    }
  };
  for (const dir of [path.join(repoDir, 'dist', 'admin'), path.join(appDir, 'config'), path.join(appDir, 'src')]) walk(dir);
  hash.update(fs.readFileSync(path.join(appDir, 'tsconfig.json')));
  return hash.digest('hex');
}

/** `strapi build` compiles the site's TypeScript into demo/dist and the admin panel into demo/dist/build. */
function ensureBuild() {
  const stampFile = path.join(appDir, 'dist', '.caldav-build-fingerprint');
  const fingerprint = buildFingerprint();
  if (fs.existsSync(stampFile) && fs.readFileSync(stampFile, 'utf8') === fingerprint) return;
  console.log('Building the site and its admin panel (about a minute, only when something changed)...');
  const strapiBin = path.join(repoDir, 'node_modules', '.bin', 'strapi');
  const result = spawnSync(strapiBin, ['build'], { cwd: appDir, stdio: 'inherit' });
  if (result.status !== 0) {
    console.error('The admin panel could not be built; see the output above.');
    process.exit(result.status || 1);
  }
  fs.writeFileSync(stampFile, fingerprint);
}

async function main() {
  ensureSecrets();
  ensureBuild();

  process.chdir(appDir);
  const { createStrapi } = require('@strapi/strapi');
  const { seed } = require('./seed');

  const app = createStrapi({ appDir, distDir: path.join(appDir, 'dist') });
  await app.load();
  await seed(app, { admin: demoAdmin, users: demoUsers });
  await app.listen();

  const { host, port } = app.config.get('server');
  const origin = `http://${host}:${port}`;
  const { basePath } = app.config.get('plugin::caldav');
  const [owner, second] = demoUsers;
  console.log(`
  CalDAV & CardDAV demo is running.

  Admin panel      ${origin}/admin
                   ${demoAdmin.email} / ${demoAdmin.password}
  DAV base URL     ${origin}${basePath}/
  Discovery        ${origin}/.well-known/caldav  and  ${origin}/.well-known/carddav
  DAV users        ${owner.username} / ${owner.password}   (calendars "Work", "Events" and "Talks", address books "Contacts" and "Speakers")
                   ${second.username} / ${second.password}   ("Work" is shared with them, read-only)
  Public feed      ${origin}${basePath}/feeds/events.ics   (webcal://${host}:${port}${basePath}/feeds/events.ics)
  Talks (content)  ${origin}${basePath}/calendars/${owner.username}/talks/   (the published Sessions, read-only)
                   public feed ${origin}${basePath}/feeds/talks.ics
  Tracks (content) ${origin}${basePath}/calendars/${second.username}/tracks-keynote/   (and tracks-talk/, tracks-workshop/: the
                   Sessions by track, in every user's home)
  Speakers         ${origin}${basePath}/addressbooks/${owner.username}/speakers/   (the Speakers, read-only)
                   Edit them in the admin panel: Content Manager > Session, Room, Speaker.
  Occurrences API  ${origin}/api/caldav/occurrences?calendar=events&start=${new Date().toISOString().slice(0, 10)}&end=${new Date(Date.now() + 30 * 86400000).toISOString().slice(0, 10)}

  Data is kept in ${path.relative(repoDir, app.config.get('database.connection.connection.filename'))}. Stop with Ctrl-C.
`);

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await app.destroy();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});

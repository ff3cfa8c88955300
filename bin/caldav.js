#!/usr/bin/env node
'use strict';

/**
 * strapi-plugin-caldav: imports an .ics or .vcf file into a calendar or address book of the Strapi site in the
 * current directory, or exports one as a file. It boots the site (without serving it) and runs the plugin's own
 * import and export, the same as the admin panel's.
 */

const fs = require('node:fs');
const path = require('node:path');
const { pipeline } = require('node:stream/promises');
const { Readable } = require('node:stream');

const USAGE = `Usage:
  strapi-plugin-caldav import --calendar <slug> <file.ics>
  strapi-plugin-caldav import --address-book <slug> <file.vcf>
  strapi-plugin-caldav export --calendar <slug> [<file.ics>]
  strapi-plugin-caldav export --address-book <slug> [<file.vcf>]

Run it in the directory of the Strapi site. An import stores each event or contact as a calendar or contacts app
would (an existing UID is updated, a new one added) and lists what it could not store. An export is written to
<slug>.ics or <slug>.vcf unless a file is named.`;

/** A mistake in how the command was called: the usage is shown with it. */
class UsageError extends Error {}

/** A request the command cannot carry out: its message is all there is to say. */
class CommandError extends Error {}

/**
 * The command line's meaning: { help: true }, or { command, kind, slug, file } (file is null for an export to the
 * default file). Throws UsageError.
 */
function parseArguments(argv) {
  const positional = [];
  const targets = [];
  for (let index = 0; index < argv.length; index += 1) {
    const argument = argv[index];
    if (argument === '--help' || argument === '-h') return { help: true };
    const option = /^--(calendar|address-book)(?:=(.*))?$/.exec(argument);
    if (option) {
      const value = option[2] !== undefined ? option[2] : argv[(index += 1)];
      if (value === undefined || value === '' || value.startsWith('--')) throw new UsageError(`--${option[1]} needs the slug of the ${option[1].replace('-', ' ')}.`);
      targets.push({ kind: option[1], slug: value });
    } else if (argument.startsWith('-') && argument !== '-') {
      throw new UsageError(`Unknown option ${argument}.`);
    } else {
      positional.push(argument);
    }
  }
  if (positional.length === 0) throw new UsageError('Say what to do: import or export.');
  const [command, ...files] = positional;
  if (command !== 'import' && command !== 'export') throw new UsageError(`Unknown command "${command}": use import or export.`);
  if (targets.length !== 1) throw new UsageError('Name one calendar (--calendar <slug>) or one address book (--address-book <slug>).');
  if (files.length > 1) throw new UsageError(`One file at a time (got ${files.join(', ')}).`);
  if (command === 'import' && files.length === 0) throw new UsageError('Name the file to import.');
  return { help: false, command, kind: targets[0].kind, slug: targets[0].slug, file: files[0] ?? null };
}

const numberFormat = new Intl.NumberFormat('en-US');

/** One line of progress: a bar, the percentage and the counts, e.g. "[######------]  50%  5,000 / 10,000". */
function formatProgress(processed, total, width = 30) {
  const ratio = total > 0 ? Math.min(1, processed / total) : 1;
  const filled = Math.round(ratio * width);
  const percent = `${Math.floor(ratio * 100)}%`.padStart(4);
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${percent}  ${numberFormat.format(processed)} / ${numberFormat.format(total)}`;
}

const plural = (count, one, many) => `${numberFormat.format(count)} ${count === 1 ? one : many}`;

/** What an import did, in lines for the terminal. */
function formatSummary(summary, kind, slug) {
  const noun = kind === 'calendar' ? ['event', 'events'] : ['contact', 'contacts'];
  const lines = [
    `Imported into the ${kind.replace('-', ' ')} "${slug}": ${numberFormat.format(summary.created)} created, ${numberFormat.format(summary.updated)} updated, ${numberFormat.format(summary.skipped.length)} skipped (${plural(summary.total, ...noun)} in the file).`,
  ];
  if (summary.skipped.length > 0) {
    lines.push('Skipped:');
    for (const { uid, reason } of summary.skipped) lines.push(`  ${uid === null ? '(no UID)' : uid}: ${reason}`);
  }
  return lines;
}

/** Draws the progress bar on a terminal (redrawn in place, at most ten times a second), else a line per tenth. */
function createProgress(stream, total) {
  let lastDrawn = 0;
  let lastTenth = -1;
  return {
    update(processed) {
      if (stream.isTTY) {
        const now = Date.now();
        if (processed < total && now - lastDrawn < 100) return;
        lastDrawn = now;
        stream.write(`\r${formatProgress(processed, total)}`);
      } else {
        const tenth = total > 0 ? Math.floor((processed / total) * 10) : 10;
        if (tenth === lastTenth) return;
        lastTenth = tenth;
        stream.write(`${formatProgress(processed, total)}\n`);
      }
    },
    done() {
      if (stream.isTTY) stream.write('\n');
    },
  };
}

/** Boots the Strapi site in `appDir` without serving it; its info messages are left out of the command's output. */
async function loadSite(appDir) {
  const notASite = new CommandError(`No Strapi site in ${appDir}: run this command in the directory of the site (where its package.json is).`);
  let strapiPackage;
  try {
    // A site depends on @strapi/strapi itself; anything else here (a plugin's own repository) is not booted.
    const manifest = JSON.parse(fs.readFileSync(path.join(appDir, 'package.json'), 'utf8'));
    if (!manifest.dependencies || !manifest.dependencies['@strapi/strapi']) throw notASite;
    strapiPackage = require.resolve('@strapi/strapi', { paths: [appDir] });
  } catch {
    throw notASite;
  }
  const { compileStrapi, createStrapi } = require(strapiPackage);
  const app = createStrapi(await compileStrapi({ appDir }));
  if (app.log.levels[app.log.level] > app.log.levels.warn) app.log.level = 'warn';
  await app.load();
  return app;
}

function transfersOf(app) {
  const plugin = app.plugin('caldav');
  if (!plugin) throw new CommandError('The caldav plugin is not enabled in this site (config/plugins).');
  const service = plugin.service('transfers');
  if (!service) throw new CommandError('This version of the caldav plugin cannot import or export; update strapi-plugin-caldav.');
  return service;
}

const label = (kind, slug) => `${kind === 'calendar' ? 'calendar' : 'address book'} "${slug}"`;

/** The size of the file to import; checked before the site is booted, which takes a while. */
function importFileSize(file) {
  let stat;
  try {
    stat = fs.statSync(file);
  } catch {
    throw new CommandError(`Cannot read ${file}: no such file.`);
  }
  if (!stat.isFile()) throw new CommandError(`${file} is not a file.`);
  return stat.size;
}

/** The file's text, refused when it is larger than an import takes. */
function readImportFile(file, maxBytes) {
  const size = importFileSize(file);
  if (size > maxBytes) {
    throw new CommandError(`${file} is ${Math.round(size / 1048576)} MB; files up to ${Math.round(maxBytes / 1048576)} MB can be imported. Split it into smaller files.`);
  }
  return fs.readFileSync(file, 'utf8');
}

async function runImport(service, options, out, err, appDir) {
  const text = readImportFile(path.resolve(appDir, options.file), service.maxImportBytes);
  const ref = { slug: options.slug };
  const prepared = options.kind === 'calendar' ? await service.prepareCalendarImport(ref, text) : await service.prepareAddressBookImport(ref, text);
  if (!prepared) throw new CommandError(`There is no ${label(options.kind, options.slug)}.`);
  const progress = createProgress(err, prepared.total);
  let summary;
  try {
    summary = await prepared.run(({ processed }) => progress.update(processed));
  } finally {
    progress.done();
  }
  for (const line of formatSummary(summary, options.kind, options.slug)) out.write(`${line}\n`);
}

async function runExport(service, options, out, appDir) {
  const ref = { slug: options.slug };
  const file = options.kind === 'calendar' ? await service.calendarExport(ref) : await service.addressBookExport(ref);
  if (!file) throw new CommandError(`There is no ${label(options.kind, options.slug)}.`);
  const target = path.resolve(appDir, options.file ?? file.fileName);
  // Written aside and renamed when complete: a failed export leaves no half file behind.
  const partial = `${target}.partial`;
  try {
    await pipeline(Readable.from(file.chunks, { objectMode: false }), fs.createWriteStream(partial));
    fs.renameSync(partial, target);
  } catch (error) {
    fs.rmSync(partial, { force: true });
    throw error;
  }
  out.write(`Exported the ${label(options.kind, options.slug)} to ${options.file ?? file.fileName} (${numberFormat.format(fs.statSync(target).size)} bytes).\n`);
}

/** Refusals of the import service carry messages meant for the person importing. */
const isRefusal = (error) => error instanceof Error && ['ImportRefusedError', 'TargetUnusableError'].includes(error.name);

async function main(argv, { out = process.stdout, err = process.stderr, appDir = process.cwd() } = {}) {
  let options;
  try {
    options = parseArguments(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    err.write(`${error.message}\n\n${USAGE}\n`);
    return 2;
  }
  if (options.help) {
    out.write(`${USAGE}\n`);
    return 0;
  }
  let app = null;
  try {
    if (options.command === 'import') importFileSize(path.resolve(appDir, options.file));
    app = await loadSite(appDir);
    const service = transfersOf(app);
    if (options.command === 'import') await runImport(service, options, out, err, appDir);
    else await runExport(service, options, out, appDir);
    return 0;
  } catch (error) {
    if (error instanceof CommandError || isRefusal(error)) err.write(`${error.message}\n`);
    else err.write(`The ${options.command} failed: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  } finally {
    if (app) await app.destroy().catch(() => undefined);
  }
}

module.exports = { parseArguments, formatProgress, formatSummary, createProgress, USAGE };

if (require.main === module) {
  main(process.argv.slice(2)).then((code) => process.exit(code));
}

/**
 * The command line's reading of its arguments and what it prints: the parts of `strapi-plugin-caldav` that do not
 * need a site. (Importing and exporting themselves are the plugin's service, tested against a real Strapi.)
 */

const cli = require('../../bin/caldav.js') as {
  parseArguments(argv: string[]): Record<string, unknown>;
  formatProgress(processed: number, total: number, width?: number): string;
  formatSummary(summary: { created: number; updated: number; skipped: Array<{ uid: string | null; reason: string }>; total: number }, kind: string, slug: string): string[];
  createProgress(stream: { isTTY?: boolean; write(text: string): boolean }, total: number): { update(processed: number): void; done(): void };
  USAGE: string;
};

describe('arguments', () => {
  test.each([
    [['import', '--calendar', 'work', 'work.ics'], { command: 'import', kind: 'calendar', slug: 'work', file: 'work.ics' }],
    [['import', 'team.vcf', '--address-book=team'], { command: 'import', kind: 'address-book', slug: 'team', file: 'team.vcf' }],
    [['export', '--calendar', 'work'], { command: 'export', kind: 'calendar', slug: 'work', file: null }],
    [['export', '--address-book', 'team', 'backup/team.vcf'], { command: 'export', kind: 'address-book', slug: 'team', file: 'backup/team.vcf' }],
  ])('%j', (argv, expected) => {
    expect(cli.parseArguments(argv)).toEqual({ help: false, ...expected });
  });

  test('--help wins over anything else', () => {
    expect(cli.parseArguments(['import', '--help'])).toEqual({ help: true });
    expect(cli.parseArguments(['-h'])).toEqual({ help: true });
  });

  test.each([
    [[], /import or export/],
    [['sync', '--calendar', 'work'], /Unknown command "sync"/],
    [['import', 'work.ics'], /Name one calendar/],
    [['import', '--calendar', 'work', '--address-book', 'team', 'x'], /Name one calendar .* or one address book/],
    [['import', '--calendar', 'work'], /Name the file to import/],
    [['import', '--calendar'], /--calendar needs the slug of the calendar/],
    [['import', '--address-book', '--calendar', 'work', 'x.ics'], /--address-book needs the slug of the address book/],
    [['import', '--calendar', 'work', 'a.ics', 'b.ics'], /One file at a time/],
    [['import', '--calendars', 'work', 'a.ics'], /Unknown option --calendars/],
  ])('%j is refused', (argv, message) => {
    expect(() => cli.parseArguments(argv)).toThrow(message);
  });

  test('the usage names both commands and both kinds', () => {
    expect(cli.USAGE).toMatch(/import --calendar <slug> <file\.ics>/);
    expect(cli.USAGE).toMatch(/export --address-book <slug> \[<file\.vcf>\]/);
  });
});

describe('progress', () => {
  test('a bar, the percentage and the counts', () => {
    expect(cli.formatProgress(0, 10000, 10)).toBe('[----------]   0%  0 / 10,000');
    expect(cli.formatProgress(5000, 10000, 10)).toBe('[#####-----]  50%  5,000 / 10,000');
    expect(cli.formatProgress(9999, 10000, 10)).toBe('[##########]  99%  9,999 / 10,000');
    expect(cli.formatProgress(10000, 10000, 10)).toBe('[##########] 100%  10,000 / 10,000');
    expect(cli.formatProgress(0, 0, 10)).toBe('[##########] 100%  0 / 0');
  });

  test('on a terminal the bar is redrawn in place; elsewhere a line is written per tenth', () => {
    const written: string[] = [];
    const terminal = cli.createProgress({ isTTY: true, write: (text) => written.push(text) > 0 }, 4);
    for (let processed = 0; processed <= 4; processed += 1) terminal.update(processed);
    terminal.done();
    expect(written[0].startsWith('\r[')).toBe(true);
    expect(written[written.length - 2]).toBe(`\r${cli.formatProgress(4, 4)}`);
    expect(written[written.length - 1]).toBe('\n');

    const lines: string[] = [];
    const log = cli.createProgress({ isTTY: false, write: (text) => lines.push(text) > 0 }, 1000);
    for (let processed = 0; processed <= 1000; processed += 1) log.update(processed);
    log.done();
    expect(lines).toHaveLength(11);
    expect(lines.every((line) => line.endsWith('\n') && !line.includes('\r'))).toBe(true);
  });
});

test('the summary counts what happened and lists each skipped object with its reason', () => {
  const summary = {
    created: 1200,
    updated: 3,
    skipped: [
      { uid: 'backwards', reason: 'A VEVENT ends before it starts' },
      { uid: null, reason: 'The vCard on line 12 has no END:VCARD.' },
    ],
    total: 1205,
  };
  expect(cli.formatSummary(summary, 'calendar', 'work')).toEqual([
    'Imported into the calendar "work": 1,200 created, 3 updated, 2 skipped (1,205 events in the file).',
    'Skipped:',
    '  backwards: A VEVENT ends before it starts',
    '  (no UID): The vCard on line 12 has no END:VCARD.',
  ]);
  expect(cli.formatSummary({ created: 1, updated: 0, skipped: [], total: 1 }, 'address-book', 'team')).toEqual([
    'Imported into the address book "team": 1 created, 0 updated, 0 skipped (1 contact in the file).',
  ]);
});

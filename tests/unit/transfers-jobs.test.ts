/**
 * Import jobs as the admin panel follows them: progress while running, the summary when done, the reason when an
 * import stops, and how long a finished job can still be read.
 */
import { createJobRegistry } from '../../server/src/transfers/jobs';
import type { ImportReport } from '../../server/src/transfers/import';
import type { ImportSummary } from '../../server/src/transfers/types';

const summary = (created: number, total: number): ImportSummary => ({ created, updated: 0, skipped: [], total });
const settle = () => new Promise((resolve) => setImmediate(resolve));

test('a job reports its progress, then its summary', async () => {
  const jobs = createJobRegistry();
  let report: (progress: ImportReport) => void = () => undefined;
  let finish: (result: ImportSummary) => void = () => undefined;
  const job = jobs.start('calendar-1', 7, 3, (progress) => {
    report = progress;
    return new Promise((resolve) => (finish = resolve));
  }, String);

  expect(jobs.get(job.id)).toMatchObject({ status: 'running', processed: 0, total: 3, startedBy: 7, error: null });
  expect(jobs.runningInto('calendar-1')?.id).toBe(job.id);
  report({ processed: 2, summary: summary(2, 3) });
  expect(jobs.get(job.id)).toMatchObject({ status: 'running', processed: 2, summary: summary(2, 3) });

  finish(summary(3, 3));
  await settle();
  expect(jobs.get(job.id)).toMatchObject({ status: 'done', processed: 3, summary: summary(3, 3), error: null });
  expect(jobs.runningInto('calendar-1')).toBeNull();
});

test('a job that stops keeps what it counted and says why', async () => {
  const jobs = createJobRegistry();
  const job = jobs.start('book-1', 7, 10, async (report) => {
    report({ processed: 4, summary: summary(4, 10) });
    throw new Error('connection lost');
  }, (error) => `The import stopped: ${(error as Error).message}`);
  await settle();
  expect(jobs.get(job.id)).toMatchObject({ status: 'failed', processed: 4, summary: summary(4, 10), error: 'The import stopped: connection lost' });
});

test('finished jobs are forgotten after an hour', async () => {
  let now = 0;
  const jobs = createJobRegistry(() => now);
  const first = jobs.start('calendar-1', 1, 0, async () => summary(0, 0), String);
  await settle();
  now = 59 * 60 * 1000;
  jobs.start('calendar-2', 1, 0, async () => summary(0, 0), String);
  expect(jobs.get(first.id)?.status).toBe('done');
  now = 61 * 60 * 1000;
  jobs.start('calendar-3', 1, 0, async () => summary(0, 0), String);
  expect(jobs.get(first.id)).toBeNull();
});

/**
 * Imports running in this Strapi process, so that the admin panel can follow one while it runs. Kept in memory:
 * a job is the work of this process (a restart ends it, and what it stored stays stored), and its result is only
 * needed until the person who started it has read it.
 */
import { randomUUID } from 'node:crypto';

import type { ImportReport } from './import';
import type { ImportSummary } from './types';

export type JobStatus = 'running' | 'done' | 'failed';

export interface ImportJob {
  id: string;
  /** The calendar or address book (documentId) it writes to. */
  target: string;
  /** The admin user who started it: only they can follow it. */
  startedBy: number | null;
  status: JobStatus;
  processed: number;
  total: number;
  /** The counts so far; final once the job is done. */
  summary: ImportSummary;
  error: string | null;
  finishedAt: number | null;
}

/** How long a finished job can still be read, and how many finished jobs are kept at most. */
const KEEP_FINISHED_MS = 60 * 60 * 1000;
const MAX_FINISHED = 200;

export function createJobRegistry(now: () => number = Date.now) {
  const jobs = new Map<string, ImportJob>();

  function forgetOld(): void {
    const finished = [...jobs.values()].filter((job) => job.finishedAt !== null);
    const expired = finished.filter((job) => now() - (job.finishedAt ?? 0) > KEEP_FINISHED_MS);
    for (const job of expired) jobs.delete(job.id);
    const excess = finished.length - expired.length - MAX_FINISHED;
    // Oldest first: the map keeps insertion order.
    if (excess > 0) finished.filter((job) => jobs.has(job.id)).slice(0, excess).forEach((job) => jobs.delete(job.id));
  }

  return {
    /**
     * Starts the work in the background and answers the job at once. `run` reports its progress; whatever it
     * throws fails the job with the error's message (`describe` turns it into words for the person importing).
     */
    start(
      target: string,
      startedBy: number | null,
      total: number,
      run: (report: (progress: ImportReport) => void) => Promise<ImportSummary>,
      describe: (error: unknown) => string,
    ): ImportJob {
      forgetOld();
      const job: ImportJob = {
        id: randomUUID(),
        target,
        startedBy,
        status: 'running',
        processed: 0,
        total,
        summary: { created: 0, updated: 0, skipped: [], total },
        error: null,
        finishedAt: null,
      };
      jobs.set(job.id, job);
      const report = ({ processed, summary }: ImportReport) => {
        job.processed = processed;
        job.summary = summary;
      };
      void run(report).then(
        (summary) => {
          Object.assign(job, { status: 'done', summary, processed: summary.total, finishedAt: now() });
        },
        (error: unknown) => {
          Object.assign(job, { status: 'failed', error: describe(error), finishedAt: now() });
        },
      );
      return job;
    },

    get: (id: string): ImportJob | null => jobs.get(id) ?? null,

    /** The import running into this calendar or address book, if any. */
    runningInto: (target: string): ImportJob | null => [...jobs.values()].find((job) => job.target === target && job.status === 'running') ?? null,
  };
}

export type JobRegistry = ReturnType<typeof createJobRegistry>;

import * as React from 'react';
import { Box, Button, Flex, ProgressBar, Typography } from '@strapi/design-system';
import { CloudUpload, Download } from '@strapi/icons';
import { styled } from 'styled-components';

import type { Translate } from '../pages/translate';
import { errorMessage } from '../pages/workspace-api';
import type { CalendarAdminApi, CalendarDetails, ImportJob } from './CalendarAdminApi';

interface ImportSectionProps {
  calendar: CalendarDetails;
  api: CalendarAdminApi;
  canImport: boolean;
  canExport: boolean;
  /** An import finished: the page shows the new events. */
  onImported: () => void;
  t: Translate;
}

/** How often a running import is asked how far it got. */
const POLL_MS = 700;

const DropZone = styled(Box)<{ $active: boolean }>`
  border: 2px dashed ${({ theme, $active }) => ($active ? theme.colors.primary600 : theme.colors.neutral300)};
  background: ${({ theme, $active }) => ($active ? theme.colors.primary100 : theme.colors.neutral100)};
  text-align: center;
  cursor: pointer;
`;

const wait = (ms: number) => new Promise((resolve) => window.setTimeout(resolve, ms));

/** Import of an .ics file with its progress and summary, and export of the calendar as one .ics file. */
export function ImportSection({ calendar, api, canImport, canExport, onImported, t }: ImportSectionProps) {
  const input = React.useRef<HTMLInputElement>(null);
  const [dragging, setDragging] = React.useState(false);
  const [fileName, setFileName] = React.useState<string | null>(null);
  const [job, setJob] = React.useState<ImportJob | null>(null);
  const [error, setError] = React.useState<string | null>(null);
  const [exporting, setExporting] = React.useState(false);
  const running = fileName !== null && job?.status !== 'done' && job?.status !== 'failed' && error === null;
  // Polling stops when the panel closes.
  const alive = React.useRef(true);
  React.useEffect(
    () => () => {
      alive.current = false;
    },
    [],
  );

  async function importFile(file: File): Promise<void> {
    setFileName(file.name);
    setJob(null);
    setError(null);
    try {
      const jobId = await api.startImport(calendar.documentId, file);
      for (;;) {
        const status = await api.importStatus(jobId);
        if (!alive.current) return;
        setJob(status);
        if (status.status !== 'running') break;
        await wait(POLL_MS);
      }
      onImported();
    } catch (failure) {
      if (alive.current) setError(errorMessage(failure));
    }
  }

  function pick(files: FileList | null): void {
    const file = files?.[0];
    if (file && !running) void importFile(file);
  }

  async function exportFile(): Promise<void> {
    setExporting(true);
    setError(null);
    try {
      const blob = await api.exportFile(calendar.documentId);
      const url = URL.createObjectURL(blob);
      const link = document.createElement('a');
      link.href = url;
      link.download = `${calendar.slug}.ics`;
      document.body.appendChild(link);
      link.click();
      link.remove();
      // The browser has the download once the click is handled.
      window.setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch (failure) {
      setError(errorMessage(failure));
    } finally {
      setExporting(false);
    }
  }

  const percent = job && job.total > 0 ? Math.round((job.processed / job.total) * 100) : 0;

  return (
    <Flex direction="column" alignItems="stretch" gap={4}>
      {canImport && (
        <>
          <DropZone
            $active={dragging}
            padding={6}
            hasRadius
            role="button"
            tabIndex={0}
            aria-label={t('calendarPanel.import.drop', 'Drop an .ics file here, or click to choose one')}
            onClick={() => input.current?.click()}
            onKeyDown={(event: React.KeyboardEvent) => {
              if (event.key === 'Enter' || event.key === ' ') input.current?.click();
            }}
            onDragOver={(event: React.DragEvent) => {
              event.preventDefault();
              setDragging(true);
            }}
            onDragLeave={() => setDragging(false)}
            onDrop={(event: React.DragEvent) => {
              event.preventDefault();
              setDragging(false);
              pick(event.dataTransfer.files);
            }}
          >
            <Flex direction="column" gap={2}>
              <CloudUpload aria-hidden width="2.4rem" height="2.4rem" />
              <Typography fontWeight="semiBold">{t('calendarPanel.import.drop', 'Drop an .ics file here, or click to choose one')}</Typography>
              <Typography variant="pi" textColor="neutral600">
                {t('calendarPanel.import.hint', 'Events whose UID is already in the calendar are replaced; the others are added. Up to 50 MB.')}
              </Typography>
            </Flex>
            <input
              ref={input}
              type="file"
              accept=".ics,text/calendar"
              hidden
              data-testid="calendar-import-file"
              onChange={(event: React.ChangeEvent<HTMLInputElement>) => {
                pick(event.target.files);
                event.target.value = '';
              }}
            />
          </DropZone>
          {fileName && (
            <Flex direction="column" alignItems="stretch" gap={2} aria-live="polite">
              <Typography fontWeight="semiBold">{fileName}</Typography>
              {running && (
                <>
                  <ProgressBar value={percent} aria-label={t('calendarPanel.import.progress', 'Import progress')} />
                  <Typography variant="pi" textColor="neutral600">
                    {job
                      ? t('calendarPanel.import.running', '{processed} of {total} imported', { processed: job.processed, total: job.total })
                      : t('calendarPanel.import.uploading', 'Sending the file…')}
                  </Typography>
                </>
              )}
              {job && job.status !== 'running' && (
                <Box data-testid="calendar-import-summary">
                  <Typography textColor={job.status === 'done' ? 'success600' : 'danger600'} fontWeight="semiBold" tag="p">
                    {job.status === 'done' ? t('calendarPanel.import.done', 'Import finished') : t('calendarPanel.import.failed', 'Import stopped')}
                  </Typography>
                  <Typography tag="p">
                    {t('calendarPanel.import.summary', '{created} created, {updated} updated, {skipped} skipped', {
                      created: job.summary.created,
                      updated: job.summary.updated,
                      skipped: job.summary.skipped.length,
                    })}
                  </Typography>
                  {job.error && <Typography textColor="danger600">{job.error}</Typography>}
                  {job.summary.skipped.length > 0 && (
                    <Box tag="ul" paddingTop={2}>
                      {job.summary.skipped.slice(0, 100).map((skipped, index) => (
                        <li key={`${skipped.uid ?? ''}-${index}`}>
                          <Typography variant="pi">
                            <b>{skipped.uid ?? t('calendarPanel.import.noUid', '(unreadable entry)')}</b>: {skipped.reason}
                          </Typography>
                        </li>
                      ))}
                      {job.summary.skipped.length > 100 && (
                        <Typography variant="pi" textColor="neutral600">
                          {t('calendarPanel.import.more', 'and {count} more', { count: job.summary.skipped.length - 100 })}
                        </Typography>
                      )}
                    </Box>
                  )}
                </Box>
              )}
            </Flex>
          )}
        </>
      )}
      {error && (
        <Typography textColor="danger600" role="alert">
          {error}
        </Typography>
      )}
      {canExport && (
        <Box>
          <Button variant="secondary" startIcon={<Download />} loading={exporting} onClick={() => void exportFile()}>
            {t('calendarPanel.export', 'Export as .ics')}
          </Button>
        </Box>
      )}
    </Flex>
  );
}

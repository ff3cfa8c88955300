import * as React from 'react';
import { Alert, Box, Button, Flex, Modal, ProgressBar, Typography } from '@strapi/design-system';
import { Upload } from '@strapi/icons';

import { errorMessage, type AddressBook, type ContactsApi, type ImportJob } from '../pages/contacts-api';
import type { Translate } from '../pages/translate';

interface ContactImportProps {
  book: AddressBook;
  api: ContactsApi;
  /** The dialog closes; `changed` when the import stored anything, so that the list reloads. */
  onClose: (changed: boolean) => void;
  t: Translate;
}

const POLL_MS = 500;

/** Imports a .vcf file into the address book as a job on the server, following its progress to the summary. */
export function ContactImport({ book, api, onClose, t }: ContactImportProps) {
  const input = React.useRef<HTMLInputElement>(null);
  const [file, setFile] = React.useState<File | null>(null);
  const [dragging, setDragging] = React.useState(false);
  const [job, setJob] = React.useState<ImportJob | null>(null);
  const [error, setError] = React.useState<string | null>(null);
  const [starting, setStarting] = React.useState(false);
  const alive = React.useRef(true);
  React.useEffect(() => () => void (alive.current = false), []);

  async function follow(jobId: string): Promise<void> {
    while (alive.current) {
      let status: ImportJob;
      try {
        status = await api.importStatus(jobId);
      } catch (failure) {
        setError(errorMessage(failure));
        return;
      }
      if (!alive.current) return;
      setJob(status);
      if (status.status !== 'running') return;
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  }

  async function start(): Promise<void> {
    if (!file) return;
    setStarting(true);
    setError(null);
    try {
      const jobId = await api.startImport(book.documentId, file);
      setJob({ status: 'running', processed: 0, total: 0, summary: { created: 0, updated: 0, skipped: [], total: 0 }, error: null });
      await follow(jobId);
    } catch (failure) {
      setError(errorMessage(failure));
    } finally {
      setStarting(false);
    }
  }

  const running = starting || job?.status === 'running';
  const percent = job && job.total > 0 ? Math.round((job.processed / job.total) * 100) : 0;
  const stored = job ? job.summary.created + job.summary.updated > 0 : false;

  return (
    <Modal.Root open onOpenChange={(open: boolean) => !open && !running && onClose(stored)}>
      <Modal.Content aria-label={t('contacts.import.title', 'Import contacts')}>
        <Modal.Header>
          <Modal.Title>{t('contacts.import.titleInto', 'Import contacts into {name}', { name: book.name })}</Modal.Title>
        </Modal.Header>
        <Modal.Body>
          <Flex direction="column" alignItems="stretch" gap={4}>
            {error && (
              <Alert variant="danger" closeLabel={t('contacts.close', 'Close')} onClose={() => setError(null)} title={t('contacts.import.refused', 'Not imported')}>
                {error}
              </Alert>
            )}
            {!job && (
              <Box
                padding={6}
                hasRadius
                borderStyle="dashed"
                borderWidth="2px"
                borderColor={dragging ? 'primary600' : 'neutral300'}
                background={dragging ? 'primary100' : 'neutral100'}
                onDragOver={(event: React.DragEvent) => {
                  event.preventDefault();
                  setDragging(true);
                }}
                onDragLeave={() => setDragging(false)}
                onDrop={(event: React.DragEvent) => {
                  event.preventDefault();
                  setDragging(false);
                  const dropped = event.dataTransfer.files[0];
                  if (dropped) setFile(dropped);
                }}
              >
                <Flex direction="column" gap={3}>
                  <Typography textColor="neutral700">
                    {file ? file.name : t('contacts.import.drop', 'Drop a .vcf file here (a contacts app\'s export), or choose one.')}
                  </Typography>
                  <input
                    ref={input}
                    type="file"
                    accept=".vcf,.vcard,text/vcard,text/x-vcard"
                    hidden
                    aria-label={t('contacts.import.choose', 'Choose a file')}
                    onChange={(event: React.ChangeEvent<HTMLInputElement>) => setFile(event.target.files?.[0] ?? null)}
                  />
                  <Button variant="secondary" startIcon={<Upload />} onClick={() => input.current?.click()}>
                    {t('contacts.import.choose', 'Choose a file')}
                  </Button>
                  <Typography variant="pi" textColor="neutral600">
                    {t('contacts.import.hint', 'Contacts with a UID already in the address book are replaced; importing the same file again adds nothing. Up to 50 MB.')}
                  </Typography>
                </Flex>
              </Box>
            )}
            {job && (
              <Flex direction="column" alignItems="stretch" gap={3}>
                <ProgressBar value={job.status === 'running' ? percent : 100} aria-label={t('contacts.import.progress', 'Import progress')} />
                <Typography>
                  {job.status === 'running'
                    ? t('contacts.import.running', 'Importing… {processed} of {total}', { processed: job.processed, total: job.total })
                    : job.status === 'done'
                      ? t('contacts.import.done', 'Done: {created} added, {updated} updated, {skipped} skipped.', {
                          created: job.summary.created,
                          updated: job.summary.updated,
                          skipped: job.summary.skipped.length,
                        })
                      : t('contacts.import.failed', 'The import stopped.')}
                </Typography>
                {job.error && <Alert variant="danger" closeLabel={t('contacts.close', 'Close')} title={t('contacts.import.failed', 'The import stopped.')}>{job.error}</Alert>}
                {job.summary.skipped.length > 0 && (
                  <Box>
                    <Typography variant="sigma" textColor="neutral600" tag="h3">
                      {t('contacts.import.skipped', 'Skipped')}
                    </Typography>
                    <Box tag="ul" paddingTop={2} style={{ maxHeight: '24rem', overflowY: 'auto' }}>
                      {job.summary.skipped.map((skipped, index) => (
                        <li key={index}>
                          <Typography variant="omega">
                            <b>{skipped.uid ?? t('contacts.import.noUid', '(no UID)')}</b>: {skipped.reason}
                          </Typography>
                        </li>
                      ))}
                    </Box>
                  </Box>
                )}
              </Flex>
            )}
          </Flex>
        </Modal.Body>
        <Modal.Footer>
          <Button variant="tertiary" disabled={running} onClick={() => onClose(stored)}>
            {job && !running ? t('contacts.close', 'Close') : t('contacts.cancel', 'Cancel')}
          </Button>
          {!job && (
            <Button startIcon={<Upload />} disabled={!file || running} loading={starting} onClick={() => void start()}>
              {t('contacts.import.start', 'Import')}
            </Button>
          )}
        </Modal.Footer>
      </Modal.Content>
    </Modal.Root>
  );
}

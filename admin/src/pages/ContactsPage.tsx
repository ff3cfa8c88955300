import * as React from 'react';
import {
  Box,
  Button,
  EmptyStateLayout,
  Flex,
  Searchbar,
  SingleSelect,
  SingleSelectOption,
  Table,
  Tbody,
  Td,
  Th,
  Thead,
  Tr,
  Typography,
} from '@strapi/design-system';
import { ArrowLeft, ArrowRight, Download, Plus, Upload } from '@strapi/icons';
import { Layouts, Page, useNotification, useRBAC } from '@strapi/strapi/admin';

import { ContactEditor, type EditorTarget } from '../components/ContactEditor';
import { ContactImport } from '../components/ContactImport';
import { ContactAvatar } from '../components/ContactPhoto';
import { errorMessage, useContactsApi, type AddressBook, type ContactSummary, type Pagination } from './contacts-api';
import { useT } from './translate';

const permissions = {
  read: [{ action: 'plugin::caldav.contacts.read', subject: null }],
  create: [{ action: 'plugin::caldav.contacts.create', subject: null }],
  update: [{ action: 'plugin::caldav.contacts.update', subject: null }],
  delete: [{ action: 'plugin::caldav.contacts.delete', subject: null }],
};

const PAGE_SIZE = 25;
const SEARCH_DELAY_MS = 300;

export function ContactsPage() {
  const t = useT();
  const api = useContactsApi();
  const { toggleNotification } = useNotification();
  const rbac = useRBAC(permissions);
  const allowed = {
    canCreate: rbac.allowedActions.canCreate === true,
    canUpdate: rbac.allowedActions.canUpdate === true,
    canDelete: rbac.allowedActions.canDelete === true,
  };
  const [books, setBooks] = React.useState<AddressBook[] | null>(null);
  const [loadError, setLoadError] = React.useState<string | null>(null);
  const [bookId, setBookId] = React.useState<string | null>(null);
  const [search, setSearch] = React.useState('');
  const [query, setQuery] = React.useState('');
  const [page, setPage] = React.useState(1);
  const [contacts, setContacts] = React.useState<ContactSummary[] | null>(null);
  const [pagination, setPagination] = React.useState<Pagination | null>(null);
  const [version, setVersion] = React.useState(0);
  const [editor, setEditor] = React.useState<EditorTarget | null>(null);
  const [importing, setImporting] = React.useState(false);
  const [exporting, setExporting] = React.useState(false);

  const notify = React.useCallback(
    (type: 'success' | 'danger' | 'warning', message: string) => toggleNotification({ type, message }),
    [toggleNotification],
  );

  const loadBooks = React.useCallback(
    () =>
      api.addressBooks().then(
        (found) => {
          setBooks(found);
          setBookId((current) => (current && found.some((book) => book.documentId === current) ? current : (found[0]?.documentId ?? null)));
        },
        (error: unknown) => setLoadError(errorMessage(error)),
      ),
    [api],
  );
  React.useEffect(() => void loadBooks(), [loadBooks]);

  // The search runs once the editor stops typing, from the first page.
  React.useEffect(() => {
    const timer = setTimeout(() => {
      setQuery(search.trim());
      setPage(1);
    }, SEARCH_DELAY_MS);
    return () => clearTimeout(timer);
  }, [search]);

  React.useEffect(() => {
    if (!bookId) return;
    const controller = new AbortController();
    api.contacts(bookId, { q: query, page, pageSize: PAGE_SIZE }, controller.signal).then(
      (answer) => {
        setContacts(answer.data);
        setPagination(answer.meta.pagination);
      },
      (error: unknown) => {
        if (!controller.signal.aborted) notify('danger', errorMessage(error));
      },
    );
    return () => controller.abort();
  }, [api, bookId, query, page, version, notify]);

  const reload = () => {
    setVersion((current) => current + 1);
    void loadBooks();
  };

  async function open(summary: ContactSummary): Promise<void> {
    try {
      setEditor({ kind: 'edit', contact: await api.contact(summary.documentId) });
    } catch (error) {
      notify('danger', errorMessage(error));
      reload();
    }
  }

  const book = books?.find((item) => item.documentId === bookId) ?? null;

  async function exportBook(): Promise<void> {
    if (!book) return;
    setExporting(true);
    try {
      const blob = await api.exportFile(book.documentId);
      const link = document.createElement('a');
      link.href = URL.createObjectURL(blob);
      link.download = `${book.slug}.vcf`;
      document.body.appendChild(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
    } catch (error) {
      notify('danger', errorMessage(error));
    } finally {
      setExporting(false);
    }
  }

  if (loadError) return <Page.Error />;
  if (!books || rbac.isLoading) return <Page.Loading />;

  return (
    <Page.Main>
      <Page.Title>{t('contacts.title', 'Contacts')}</Page.Title>
      <Layouts.Header
        title={t('contacts.title', 'Contacts')}
        subtitle={t('contacts.subtitle', 'Contacts of every address book; changes reach contacts apps at their next sync.')}
        primaryAction={
          allowed.canCreate && book ? (
            <Button startIcon={<Plus />} onClick={() => setEditor({ kind: 'new', book: book.documentId })}>
              {t('contacts.new', 'New contact')}
            </Button>
          ) : undefined
        }
      />
      <Layouts.Action
        startActions={
          <Flex gap={2} wrap="wrap">
            {books.length > 0 && (
              <Box minWidth="260px">
                <SingleSelect
                  aria-label={t('contacts.addressBook', 'Address book')}
                  value={bookId ?? ''}
                  onChange={(value: string | number) => {
                    setBookId(String(value));
                    setPage(1);
                    setContacts(null);
                  }}
                >
                  {books.map((item) => (
                    <SingleSelectOption key={item.documentId} value={item.documentId}>
                      {`${item.name}${item.owner ? ` (${item.owner})` : ''} · ${item.contacts}`}
                    </SingleSelectOption>
                  ))}
                </SingleSelect>
              </Box>
            )}
            {book && (
              <Searchbar
                name="q"
                value={search}
                onChange={(event: React.ChangeEvent<HTMLInputElement>) => setSearch(event.target.value)}
                onClear={() => setSearch('')}
                clearLabel={t('contacts.search.clear', 'Clear the search')}
                placeholder={t('contacts.search.placeholder', 'Search name, organization, email, phone')}
              >
                {t('contacts.search.label', 'Search contacts')}
              </Searchbar>
            )}
          </Flex>
        }
        endActions={
          book ? (
            <Flex gap={2}>
              {allowed.canCreate && allowed.canUpdate && (
                <Button variant="secondary" startIcon={<Upload />} onClick={() => setImporting(true)}>
                  {t('contacts.import', 'Import .vcf')}
                </Button>
              )}
              <Button variant="secondary" startIcon={<Download />} loading={exporting} onClick={() => void exportBook()}>
                {t('contacts.export', 'Export .vcf')}
              </Button>
            </Flex>
          ) : undefined
        }
      />
      <Layouts.Content>
        {books.length === 0 ? (
          <EmptyStateLayout content={t('contacts.noBooks', 'No address books yet. Create one in the Content Manager, or let a contacts app create it.')} />
        ) : !contacts ? (
          <Page.Loading />
        ) : contacts.length === 0 ? (
          <EmptyStateLayout
            content={query ? t('contacts.noMatch', 'No contact matches "{query}".', { query }) : t('contacts.empty', 'This address book has no contacts yet.')}
          />
        ) : (
          <Flex direction="column" alignItems="stretch" gap={4}>
            <Table colCount={5} rowCount={contacts.length + 1}>
              <Thead>
                <Tr>
                  <Th>
                    <Typography variant="sigma">{t('contacts.column.name', 'Name')}</Typography>
                  </Th>
                  <Th>
                    <Typography variant="sigma">{t('contacts.column.organization', 'Organization')}</Typography>
                  </Th>
                  <Th>
                    <Typography variant="sigma">{t('contacts.column.email', 'Email')}</Typography>
                  </Th>
                  <Th>
                    <Typography variant="sigma">{t('contacts.column.phone', 'Phone')}</Typography>
                  </Th>
                </Tr>
              </Thead>
              <Tbody>
                {contacts.map((contact) => (
                  <Tr key={contact.documentId} onClick={() => void open(contact)} style={{ cursor: 'pointer' }} data-contact={contact.documentId}>
                    <Td>
                      <Flex gap={3}>
                        <ContactAvatar url={contact.photoUrl} name={contact.fullName} />
                        <Typography fontWeight="semiBold" textColor="neutral800">
                          {contact.fullName ?? t('contacts.unnamed', '(no name)')}
                        </Typography>
                      </Flex>
                    </Td>
                    <Td>
                      <Typography textColor="neutral800">{contact.organization ?? ''}</Typography>
                    </Td>
                    <Td>
                      <Typography textColor="neutral800">{contact.email ?? ''}</Typography>
                    </Td>
                    <Td>
                      <Typography textColor="neutral800">{contact.phone ?? ''}</Typography>
                    </Td>
                  </Tr>
                ))}
              </Tbody>
            </Table>
            {pagination && (
              <Flex justifyContent="space-between">
                <Typography variant="pi" textColor="neutral600">
                  {t('contacts.pagination', 'Page {page} of {pageCount} · {total} contacts', {
                    page: pagination.page,
                    pageCount: Math.max(1, pagination.pageCount),
                    total: pagination.total,
                  })}
                </Typography>
                <Flex gap={2}>
                  <Button variant="tertiary" startIcon={<ArrowLeft />} disabled={page <= 1} onClick={() => setPage(page - 1)}>
                    {t('contacts.previous', 'Previous')}
                  </Button>
                  <Button variant="tertiary" endIcon={<ArrowRight />} disabled={page >= pagination.pageCount} onClick={() => setPage(page + 1)}>
                    {t('contacts.next', 'Next')}
                  </Button>
                </Flex>
              </Flex>
            )}
          </Flex>
        )}
      </Layouts.Content>
      {editor && (
        <ContactEditor
          target={editor}
          api={api}
          allowed={allowed}
          t={t}
          onClose={() => setEditor(null)}
          onDone={(message) => {
            setEditor(null);
            notify('success', message);
            reload();
          }}
          onConflict={(message) => {
            setEditor(null);
            notify('warning', message);
            reload();
          }}
        />
      )}
      {importing && book && (
        <ContactImport
          book={book}
          api={api}
          t={t}
          onClose={(changed) => {
            setImporting(false);
            if (changed) reload();
          }}
        />
      )}
    </Page.Main>
  );
}

/** The page as the admin's router loads it, guarded by the read permission. */
export default function ProtectedContactsPage() {
  return (
    <Page.Protect permissions={permissions.read}>
      <ContactsPage />
    </Page.Protect>
  );
}

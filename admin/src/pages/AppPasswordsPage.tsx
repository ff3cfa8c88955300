import * as React from 'react';
import { Box, Button, Field, Flex, IconButton, Table, Tbody, Td, Th, Thead, TextInput, Tr, Typography } from '@strapi/design-system';
import { Trash } from '@strapi/icons';
import { Layouts, useFetchClient, useNotification } from '@strapi/strapi/admin';
import { useIntl } from 'react-intl';

import type { AppPasswordUser } from '../../../server/src/auth/app-passwords';
import { PLUGIN_ID } from '../pluginId';

/**
 * Support staff manage a user's app passwords (server/src/auth/app-passwords.ts): pick the user, see their
 * passwords with the last use, create one (its secret is shown once, here) and revoke any.
 */

interface AppPasswordSummary {
  documentId: string;
  name: string;
  createdAt: string;
  lastUsedAt: string | null;
}

interface CreatedAppPassword {
  documentId: string;
  name: string;
  password: string;
}

function messageOf(error: unknown): string {
  const response = (error as { response?: { data?: { error?: { message?: unknown } } } }).response;
  const message = response?.data?.error?.message;
  return typeof message === 'string' ? message : error instanceof Error ? error.message : String(error);
}

export default function AppPasswordsPage() {
  const { formatMessage, formatDate } = useIntl();
  const t = (id: string, defaultMessage: string, values?: Record<string, string>) =>
    formatMessage({ id: `${PLUGIN_ID}.appPasswords.${id}`, defaultMessage }, values);
  const { get, post, del } = useFetchClient();
  const { toggleNotification } = useNotification();

  const [query, setQuery] = React.useState('');
  const [users, setUsers] = React.useState<AppPasswordUser[]>([]);
  const [user, setUser] = React.useState<AppPasswordUser | null>(null);
  const [passwords, setPasswords] = React.useState<AppPasswordSummary[]>([]);
  const [name, setName] = React.useState('');
  const [created, setCreated] = React.useState<CreatedAppPassword | null>(null);
  const [problem, setProblem] = React.useState<string | null>(null);

  // Users matching the search, refreshed as the support person types.
  React.useEffect(() => {
    const timer = setTimeout(() => {
      get<{ data: AppPasswordUser[] }>('/caldav/app-password-users', { params: { q: query } })
        .then((response) => setUsers(response.data.data))
        .catch((error: unknown) => setProblem(messageOf(error)));
    }, 250);
    return () => clearTimeout(timer);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [query]);

  const load = async (of: AppPasswordUser) => {
    const response = await get<{ data: AppPasswordSummary[] }>(`/caldav/users/${of.documentId}/app-passwords`);
    setPasswords(response.data.data);
  };

  const choose = (chosen: AppPasswordUser) => {
    setUser(chosen);
    setCreated(null);
    setProblem(null);
    load(chosen).catch((error: unknown) => setProblem(messageOf(error)));
  };

  const create = async () => {
    if (!user) return;
    setProblem(null);
    try {
      const response = await post<{ data: CreatedAppPassword }>(`/caldav/users/${user.documentId}/app-passwords`, { name });
      setCreated(response.data.data);
      setName('');
      await load(user);
    } catch (error) {
      setProblem(messageOf(error));
    }
  };

  const revoke = async (password: AppPasswordSummary) => {
    if (!user) return;
    try {
      await del(`/caldav/app-passwords/${password.documentId}`);
      toggleNotification({ type: 'success', message: t('revoked', 'Revoked "{name}": it no longer signs in.', { name: password.name }) });
      await load(user);
    } catch (error) {
      setProblem(messageOf(error));
    }
  };

  const when = (value: string | null) => (value ? formatDate(value, { dateStyle: 'medium', timeStyle: 'short' }) : t('never', 'Never'));

  return (
    <Layouts.Root>
      <Layouts.Header
        title={t('title', 'App passwords')}
        subtitle={t('subtitle', 'Passwords for one calendar or contacts app each, used with the username or email instead of the account password.')}
      />
      <Layouts.Content>
        <Flex direction="column" alignItems="stretch" gap={6}>
          {problem ? (
            <Box padding={4} background="danger100" hasRadius>
              <Typography textColor="danger700">{problem}</Typography>
            </Box>
          ) : null}

          <Box background="neutral0" padding={6} shadow="filterShadow" hasRadius>
            <Flex direction="column" alignItems="stretch" gap={4}>
              <Field.Root>
                <Field.Label>{t('search', 'Find a user')}</Field.Label>
                <TextInput
                  value={query}
                  placeholder={t('search.placeholder', 'Username or email')}
                  onChange={(event: React.ChangeEvent<HTMLInputElement>) => setQuery(event.target.value)}
                />
              </Field.Root>
              <Flex gap={2} wrap="wrap">
                {users.map((candidate) => (
                  <Button
                    key={candidate.documentId}
                    variant={user?.documentId === candidate.documentId ? 'default' : 'tertiary'}
                    onClick={() => choose(candidate)}
                  >
                    {candidate.email ? `${candidate.username} (${candidate.email})` : candidate.username}
                  </Button>
                ))}
              </Flex>
            </Flex>
          </Box>

          {user ? (
            <Box background="neutral0" padding={6} shadow="filterShadow" hasRadius>
              <Flex direction="column" alignItems="stretch" gap={4}>
                <Typography variant="delta" tag="h2">
                  {t('of', 'App passwords of {user}', { user: user.username })}
                </Typography>
                {passwords.length === 0 ? (
                  <Typography textColor="neutral600">{t('none', 'None yet.')}</Typography>
                ) : (
                  <Table colCount={4} rowCount={passwords.length + 1}>
                    <Thead>
                      <Tr>
                        <Th>{t('name', 'Name')}</Th>
                        <Th>{t('created', 'Created')}</Th>
                        <Th>{t('lastUsed', 'Last used')}</Th>
                        <Th>{t('actions', 'Actions')}</Th>
                      </Tr>
                    </Thead>
                    <Tbody>
                      {passwords.map((password) => (
                        <Tr key={password.documentId}>
                          <Td>{password.name}</Td>
                          <Td>{when(password.createdAt)}</Td>
                          <Td>{when(password.lastUsedAt)}</Td>
                          <Td>
                            <IconButton label={t('revoke', 'Revoke {name}', { name: password.name })} onClick={() => void revoke(password)}>
                              <Trash />
                            </IconButton>
                          </Td>
                        </Tr>
                      ))}
                    </Tbody>
                  </Table>
                )}
                <Flex gap={2} alignItems="flex-end">
                  <Box flex="1">
                    <Field.Root>
                      <Field.Label>{t('new', 'New app password for')}</Field.Label>
                      <TextInput
                        value={name}
                        placeholder={t('new.placeholder', 'Phone calendar')}
                        onChange={(event: React.ChangeEvent<HTMLInputElement>) => setName(event.target.value)}
                      />
                    </Field.Root>
                  </Box>
                  <Button disabled={name.trim() === ''} onClick={() => void create()}>
                    {t('create', 'Create')}
                  </Button>
                </Flex>
                {created ? (
                  <Box padding={4} background="success100" hasRadius>
                    <Flex direction="column" alignItems="stretch" gap={2}>
                      <Typography fontWeight="bold">{t('created.once', 'Give this password to the user now: it is not shown again.')}</Typography>
                      <Field.Root>
                        <Field.Label>{t('created.password', 'Password for {name}', { name: created.name })}</Field.Label>
                        <TextInput value={created.password} readOnly />
                      </Field.Root>
                    </Flex>
                  </Box>
                ) : null}
              </Flex>
            </Box>
          ) : null}
        </Flex>
      </Layouts.Content>
    </Layouts.Root>
  );
}

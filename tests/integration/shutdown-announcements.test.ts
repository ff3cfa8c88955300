/**
 * A client's writes are announced on Strapi's event hub (webhooks, audit logs) once its writes pause: a shutdown
 * right after a write must still announce it, before the event hub and the database close.
 */

import { EVENT_UID } from '../../server/src/uids';
import { davClient, vevent } from '../harness/dav';
import { createUser } from '../harness/people';
import { startTestServer, type TestServer } from '../harness/strapi';

let server: TestServer | undefined;

afterAll(async () => {
  await server?.stop();
});

test('writes still waiting to be announced are announced when Strapi shuts down', async () => {
  server = await startTestServer();
  const user = await createUser(server);
  await server.collections.createCalendar({ owner: user.documentId, name: 'Work', slug: 'work' });
  const dav = davClient(server.origin, user);
  const announced: string[] = [];
  server.strapi.eventHub.on('entry.create', async (payload: { uid: string; entry: { uid?: string } }) => {
    if (payload.uid === EVENT_UID && payload.entry?.uid) announced.push(payload.entry.uid);
  });

  for (let i = 0; i < 3; i += 1) {
    const response = await dav.put(`/dav/calendars/${user.username}/work/last-${i}.ics`, vevent(`last-${i}@client`, { start: '20260310T090000Z', end: '20260310T100000Z' }));
    expect(response.status).toBe(201);
  }
  // Stopped at once: the writes are still waiting for the client to pause.
  const stopping = server;
  server = undefined;
  await stopping.stop();
  expect(announced.sort()).toEqual(['last-0@client', 'last-1@client', 'last-2@client']);
});

import { repositoryDir } from './paths';

export default ({ env }) => {
  // The demo's first DAV user (scripts/start.js creates it): the sources below are listed in their homes.
  const organizer = env('DEMO_USER', 'demo');
  const origin = `http://${env('HOST', '127.0.0.1')}:${env.int('PORT', 1337)}`;
  return {
    'users-permissions': { config: { jwtSecret: env('JWT_SECRET') } },
    // The plugin, linked from this repository (its built dist/, which `npm run demo` builds first).
    caldav: {
      enabled: true,
      resolve: repositoryDir,
      config: {
        basePath: '/dav',
        // The site's own collection types (src/api) shown as read-only calendars and address books.
        sources: [
          {
            kind: 'calendar',
            slug: 'talks',
            name: 'Talks',
            description: 'The published conference sessions, straight from the Session collection.',
            contentType: 'api::session.session',
            visibility: 'public',
            owner: organizer,
            color: '#9333EA',
            timezone: 'Europe/Berlin',
            fields: {
              summary: 'title',
              start: 'startsAt',
              end: 'endsAt',
              location: 'room.name',
              description: 'abstract',
              // Where the site's front end would show a talk.
              url: `${origin}/talks/{slug}`,
              categories: 'track',
            },
          },
          {
            // The same sessions, one calendar per track ("Tracks – Keynote", ...), for every signed-in user.
            kind: 'calendar',
            slug: 'tracks',
            name: 'Tracks',
            contentType: 'api::session.session',
            visibility: 'private',
            sharedWithRoles: ['authenticated'],
            timezone: 'Europe/Berlin',
            groupBy: 'track',
            fields: { summary: 'title', start: 'startsAt', end: 'endsAt', location: 'room.name', description: 'abstract' },
          },
          {
            kind: 'addressbook',
            slug: 'speakers',
            name: 'Speakers',
            description: 'The conference speakers, from the Speaker collection.',
            contentType: 'api::speaker.speaker',
            visibility: 'private',
            owner: organizer,
            fields: { fullName: 'name', email: 'email', phone: 'phone', organization: 'company', title: 'jobTitle', photo: 'photo' },
          },
        ],
      },
    },
  };
};

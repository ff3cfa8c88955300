/**
 * A conference session. The plugin shows the published ones as the read-only calendar "Talks" (and one calendar
 * per track), by the field mapping in config/plugins.ts.
 *
 * The demo's schemas are TypeScript modules: `strapi build` compiles demo/src into demo/dist/src, which the site
 * loads, and it compiles only the TypeScript files the demo's tsconfig includes.
 */
export default {
  kind: 'collectionType',
  collectionName: 'sessions',
  info: { singularName: 'session', pluralName: 'sessions', displayName: 'Session', description: 'A talk, keynote or workshop' },
  options: { draftAndPublish: true },
  attributes: {
    title: { type: 'string', required: true },
    slug: { type: 'uid', targetField: 'title' },
    startsAt: { type: 'datetime', required: true },
    endsAt: { type: 'datetime' },
    track: { type: 'enumeration', enum: ['Keynote', 'Workshop', 'Talk'] },
    room: { type: 'relation', relation: 'manyToOne', target: 'api::room.room', inversedBy: 'sessions' },
    abstract: { type: 'blocks' },
    speakers: { type: 'relation', relation: 'manyToMany', target: 'api::speaker.speaker', inversedBy: 'sessions' },
  },
};

/** A room of the conference venue: the LOCATION of the sessions held in it. */
export default {
  kind: 'collectionType',
  collectionName: 'rooms',
  info: { singularName: 'room', pluralName: 'rooms', displayName: 'Room' },
  options: { draftAndPublish: false },
  attributes: {
    name: { type: 'string', required: true, unique: true },
    sessions: { type: 'relation', relation: 'oneToMany', target: 'api::session.session', mappedBy: 'room' },
  },
};

/** A speaker. The plugin shows every speaker as a contact of the read-only address book "Speakers". */
export default {
  kind: 'collectionType',
  collectionName: 'speakers',
  info: { singularName: 'speaker', pluralName: 'speakers', displayName: 'Speaker' },
  options: { draftAndPublish: false },
  attributes: {
    name: { type: 'string', required: true },
    email: { type: 'email' },
    phone: { type: 'string' },
    company: { type: 'string' },
    jobTitle: { type: 'string' },
    photo: { type: 'media', multiple: false, allowedTypes: ['images'] },
    sessions: { type: 'relation', relation: 'manyToMany', target: 'api::session.session', mappedBy: 'speakers' },
  },
};

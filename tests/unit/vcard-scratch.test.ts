import { parseVCard, buildVCard, convertVCard, renderAddressData, type ContactFields } from '../../server/src/vcard';
import * as F from './vcard-fixtures';
const fixtures = Object.entries(F).filter(([n, t]) => typeof t === 'string' && t.startsWith('BEGIN') && n !== 'VCARD_21') as [string, string][];
const variants: Partial<ContactFields>[] = [
  { fullName: 'X Y', name: null },
  { name: { family: 'Only' }, fullName: null },
  { emails: [{ type: 'Custom Label', value: 'a@b.c' }, { value: 'd@e.f' }, { type: 'HOME', value: 'g@h.i' }] },
  { phones: [{ type: 'fax', value: '+1 (555) 010-0000;ext=2' }] },
  { addresses: [{ street: 'A;B, C', locality: 'Z\\Q', country: 'N\nM' }], organization: 'Foo; Bar, Inc.' },
  { kind: 'group', members: ['urn:uuid:1', 'urn:uuid:2'] },
  { kind: 'org', members: null, photo: { uri: 'https://x.example/a,b;c.png' } },
  { note: 'a, b; c\\d\ne', categories: ['a,b', 'c'], nickname: 'Nick, Name', url: 'https://x/?a=1,2;3', birthday: '2000-02-29', anniversary: '2001-01-01', title: 'T', role: 'R' },
];
test('every variant on every fixture round trips, in both versions', () => {
  for (const [name, text] of fixtures) {
    for (const variant of variants) {
      for (const source of [text, convertVCard(text, '3.0'), convertVCard(text, '4.0')]) {
        const before = parseVCard(source);
        const input = { ...before.fields, ...variant, uid: before.uid };
        const out = buildVCard(input, source, new Date('2026-01-01T00:00:00Z'));
        const after = parseVCard(out);
        const norm = (f: ContactFields) => JSON.parse(JSON.stringify({ ...f, emails: f.emails?.map((e) => ({ ...e, type: e.type?.toLowerCase() })) }));
        const { uid: _u, ...fields } = input;
        if (variant.fullName === null) (fields as ContactFields).fullName = after.fields.fullName;
        if (variant.name === null && after.version === '3.0') (fields as ContactFields).name = after.fields.name;
        try { expect(norm(after.fields)).toEqual(norm(fields as ContactFields)); } catch (e) { console.log(name, JSON.stringify(variant), out); throw e; }
        expect(buildVCard(input, out, new Date('2027-01-01T00:00:00Z'))).toBe(out);
        expect(parseVCard(convertVCard(out, '3.0')).fields).toEqual(after.fields);
        expect(parseVCard(convertVCard(out, '4.0')).fields).toEqual(after.fields);
        renderAddressData(out, { allProps: false, props: ['EMAIL'] });
      }
    }
  }
});

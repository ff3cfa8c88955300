/**
 * vCards as CardDAV clients write them, for the vCard layer's tests.
 */

/** Lines joined with CRLF, ending with CRLF, as clients send them. */
export const vcf = (...lines: string[]): string => lines.join('\r\n') + '\r\n';

/** A 1x1 JPEG, base64. */
export const JPEG_BASE64 =
  '/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAgGBgcGBQgHBwcJCQgKDBQNDAsLDBkSEw8UHRofHh0aHBwgJC4nICIsIxwcKDcpLDAxNDQ0Hyc5PTgyPC4zNDL/wAALCAABAAEBAREA/8QAFAABAAAAAAAAAAAAAAAAAAAACf/EABQQAQAAAAAAAAAAAAAAAAAAAAD/2gAIAQEAAD8AKp//2Q==';

/** A 1x1 PNG, base64 (the pixel Thunderbird's own tests use). */
export const PNG_BASE64 =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVQI12P4//8/AAX+Av7czFnnAAAAAElFTkSuQmCC';

/** Splits a long value into a first line and continuation lines, as clients fold. */
function folded(start: string, value: string, width = 74): string[] {
  const lines = [start + value.slice(0, width - start.length)];
  for (let at = width - start.length; at < value.length; at += width - 1)
    lines.push(' ' + value.slice(at, at + width - 1));
  return lines;
}

/** Apple Contacts (iOS 17): vCard 3.0, item groups with X-ABLabel, a custom label, an inline JPEG, X-ANNIVERSARY. */
export const APPLE_ADA = vcf(
  'BEGIN:VCARD',
  'VERSION:3.0',
  'PRODID:-//Apple Inc.//iPhone OS 17.2//EN',
  'N:Lovelace;Ada;King,Augusta;Countess of;',
  'FN:Ada Lovelace',
  'NICKNAME:Ada',
  'ORG:Analytical Engines Ltd;Research;',
  'TITLE:Mathematician',
  'item1.EMAIL;type=INTERNET;type=pref:ada@example.com',
  'item1.X-ABLabel:_$!<Other>!$_',
  'item2.EMAIL;type=INTERNET:ada@lab.example',
  'item2.X-ABLabel:Lab',
  'EMAIL;type=INTERNET;type=WORK:ada.lovelace@work.example',
  'TEL;type=CELL;type=VOICE;type=pref:+44 20 7946 0958',
  'TEL;type=HOME;type=VOICE:+44 20 7946 0000',
  'item3.TEL:+44 20 7946 0999',
  'item3.X-ABLabel:Workshop',
  "item4.ADR;type=HOME;type=pref:;;12 St James's Square;London;;SW1Y 4JH;United Kingdom",
  'item4.X-ABADR:gb',
  'NOTE:Wrote the first algorithm\\, for the Analytical Engine.\\nBorn in London.',
  'item5.URL;type=pref:https://example.com/ada',
  'item5.X-ABLabel:_$!<HomePage>!$_',
  'BDAY;value=date:1815-12-10',
  'X-ANNIVERSARY:1835-07-08',
  'CATEGORIES:Family,Friends',
  'X-SOCIALPROFILE;type=twitter;x-user=ada:http://twitter.com/ada',
  ...folded('PHOTO;ENCODING=b;TYPE=JPEG:', JPEG_BASE64),
  'UID:3F2504E0-4F89-11D3-9A0C-0305E82C3301',
  'REV:2024-01-02T03:04:05Z',
  'END:VCARD',
);

/** Apple Contacts group: vCard 3.0 with X-ADDRESSBOOKSERVER-KIND and -MEMBER. */
export const APPLE_GROUP = vcf(
  'BEGIN:VCARD',
  'VERSION:3.0',
  'PRODID:-//Apple Inc.//Mac OS X 14.2//EN',
  'N:Analytical Society',
  'FN:Analytical Society',
  'X-ADDRESSBOOKSERVER-KIND:group',
  'X-ADDRESSBOOKSERVER-MEMBER:urn:uuid:3F2504E0-4F89-11D3-9A0C-0305E82C3301',
  'X-ADDRESSBOOKSERVER-MEMBER:urn:uuid:7C9E6679-7425-40DE-944B-E07FC1F90AE7',
  'REV:2024-01-05T10:00:00Z',
  'UID:A1B2C3D4-E5F6-4711-8899-AABBCCDDEEFF',
  'END:VCARD',
);

/** Google Contacts (CardDAV): vCard 3.0, plain UID, item-grouped URL written with an escaped colon. */
export const GOOGLE_GRACE = vcf(
  'BEGIN:VCARD',
  'VERSION:3.0',
  'N:Hopper;Grace;Brewster Murray;Rear Admiral;',
  'FN:Rear Admiral Grace Brewster Murray Hopper',
  'EMAIL;TYPE=INTERNET;TYPE=WORK:grace@navy.example',
  'EMAIL;TYPE=INTERNET;TYPE=HOME:grace@home.example',
  'TEL;TYPE=CELL:+1 202-555-0143',
  'TEL;TYPE=WORK:+1 202-555-0100',
  'ADR;TYPE=WORK:;;1 Navy Yard;Washington;DC;20374;USA',
  'ORG:US Navy',
  'TITLE:Rear Admiral',
  'BDAY:1906-12-09',
  'item1.URL:http\\://www.example.com/grace',
  'item1.X-ABLabel:_$!<HomePage>!$_',
  'CATEGORIES:myContacts,Starred in Android',
  'UID:4c0ff9bd8b3f1a2e',
  'END:VCARD',
);

/** DAVx5 (ez-vcard) vCard 4.0: a custom email label as an item group, a 4.0 date, NICKNAME, ORG with a unit. */
export const DAVX5_KATHERINE = vcf(
  'BEGIN:VCARD',
  'VERSION:4.0',
  'PRODID:+//IDN bitfire.at//DAVx5/4.3.13-ose ez-vcard/0.11.3',
  'UID:0a3ee4e8-8f4b-4b8e-bb1c-3f5a9d0e0b51',
  'FN:Katherine Johnson',
  'N:Johnson;Katherine;Coleman;;',
  'NICKNAME:Katie',
  'ORG:NASA;Flight Research Division',
  'TEL;TYPE=cell:+1 757-555-0187',
  'TEL;TYPE=work,voice:+1 757-555-0100',
  'EMAIL;TYPE=work:katherine@nasa.example',
  'item1.EMAIL:kj@orbit.example',
  'item1.X-ABLabel:Orbit',
  'ADR;TYPE=home:;;12 Launch Road;Hampton;VA;23666;USA',
  'BDAY:19180826',
  'ANNIVERSARY:--0826',
  'URL:https://example.org/katherine',
  'NOTE:Calculated trajectories\\, by hand.',
  'X-PHONETIC-FIRST-NAME:Kath',
  'REV:20240210T081500Z',
  'END:VCARD',
);

/** DAVx5 group in vCard 4.0: KIND and MEMBER. */
export const DAVX5_GROUP = vcf(
  'BEGIN:VCARD',
  'VERSION:4.0',
  'PRODID:+//IDN bitfire.at//DAVx5/4.3.13-ose ez-vcard/0.11.3',
  'UID:5d7e1f0c-9a7b-4c2d-8e1f-2a3b4c5d6e7f',
  'FN:Flight Research',
  'KIND:group',
  'MEMBER:urn:uuid:0a3ee4e8-8f4b-4b8e-bb1c-3f5a9d0e0b51',
  'MEMBER:urn:uuid:9b2c7d4e-1f3a-4b5c-8d6e-7f8091a2b3c4',
  'REV:20240211T120000Z',
  'END:VCARD',
);

/** Thunderbird (102+, which uses ical.js): vCard 4.0, PREF=1, TEL;VALUE=TEXT, PHOTO;VALUE=URL with a data: URI. */
export const THUNDERBIRD_ELODIE = vcf(
  'BEGIN:VCARD',
  'VERSION:4.0',
  'EMAIL;PREF=1:elodie@example.fr',
  'EMAIL;TYPE=work:e.dupont@bureau.example',
  'FN:Élodie Dupont',
  'N:Dupont;Élodie;;;',
  'NICKNAME:Lolo',
  'TEL;TYPE=cell;VALUE=TEXT:+33 6 12 34 56 78',
  'TEL;TYPE=work;VALUE=TEXT:+33 1 23 45 67 89',
  'ADR;TYPE=work:;;1 Rue de Rivoli;Paris;;75001;France',
  'BDAY;VALUE=DATE:19900521',
  'NOTE:Préfère le café\\, pas le thé.',
  ...folded('PHOTO;VALUE=URL:data:image/png;base64,', PNG_BASE64),
  'UID:fd9aecf9-2453-4ba1-bec6-574a15bb380b',
  'END:VCARD',
);

/** Evolution (libebook): vCard 3.0 with X-EVOLUTION- parameters and properties, LABEL, an inline PNG typed image/png. */
export const EVOLUTION_ALAN = vcf(
  'BEGIN:VCARD',
  'VERSION:3.0',
  'URL:https://example.org/alan',
  'TITLE:Reader',
  'ROLE:Cryptanalyst',
  'X-EVOLUTION-FILE-AS:Turing\\, Alan',
  'FN:Alan Turing',
  'N:Turing;Alan;Mathison;;',
  'EMAIL;TYPE=WORK;X-EVOLUTION-UI-SLOT=1:alan@bletchley.example',
  'TEL;TYPE=CELL;X-EVOLUTION-UI-SLOT=1:+44 1908 640404',
  'ADR;TYPE=WORK:;;Bletchley Park;Milton Keynes;;MK3 6EB;United Kingdom',
  'LABEL;TYPE=WORK:Bletchley Park\\nMilton Keynes MK3 6EB\\nUnited Kingdom',
  'BDAY:1912-06-23',
  'CATEGORIES:Business',
  'NOTE:Broke Enigma.',
  ...folded('PHOTO;ENCODING=b;TYPE=image/png:', PNG_BASE64),
  'UID:pas-id-5F3C2A1B00000001',
  'REV:2024-03-01T09:00:00Z',
  'END:VCARD',
);

/** A vCard 2.1 (old Android and Outlook exports): bare parameters ical.js cannot read. */
export const VCARD_21 = vcf(
  'BEGIN:VCARD',
  'VERSION:2.1',
  'N:Lovelace;Ada',
  'FN:Ada Lovelace',
  'TEL;HOME;VOICE:+44 20 7946 0000',
  'EMAIL;PREF;INTERNET:ada@example.com',
  'UID:2f0e5c9a-0001',
  'END:VCARD',
);

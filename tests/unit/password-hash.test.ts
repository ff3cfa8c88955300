import bcrypt from 'bcryptjs';
import type { Core } from '@strapi/strapi';

import { createPasswordVerifier } from '../../server/src/auth/password-hash';

/** users-permissions as a site has it: bcryptjs, or whatever a site replaced validatePassword with. */
function strapiWith(validatePassword: (password: string, hash: string) => Promise<boolean>) {
  return { plugin: () => ({ service: () => ({ validatePassword }) }) } as unknown as Core.Strapi;
}

const passwords = ['correct horse', '', 'pässwörd ✓ 😀', 'x'.repeat(72), 'y'.repeat(100), 'tab\there'];

describe('account passwords are checked with the same answers as users-permissions gives', () => {
  const verifier = createPasswordVerifier(strapiWith(() => Promise.reject(new Error('bcrypt hashes are checked natively'))));

  test.each(passwords.map((password) => [JSON.stringify(password).slice(0, 24), password]))('%s', async (_, password) => {
    // Stored as users-permissions stores it.
    const hash = await bcrypt.hash(password, 4);
    // Whole code points only: a Basic header decodes to well-formed text, never to a lone surrogate.
    const shorter = Array.from(password).slice(0, -1).join('');
    for (const attempt of [password, `${password}!`, shorter, password.toUpperCase()]) {
      expect(await verifier.verify(attempt, hash)).toBe(await bcrypt.compare(attempt, hash));
    }
    expect(await verifier.verify(password, hash)).toBe(true);
  });

  test('a hash that is not bcrypt is never accepted by the native check', async () => {
    for (const hash of ['', 'not a hash', '$2a$10$short']) expect(await createPasswordVerifier(strapiWith(async () => false)).verify('x', hash)).toBe(false);
  });
});

test('a site that stores passwords another way keeps its own check', async () => {
  const seen: string[] = [];
  const verifier = createPasswordVerifier(
    strapiWith(async (password, hash) => {
      seen.push(hash);
      return hash === `plain:${password}`;
    }),
  );
  expect(await verifier.verify('secret', 'plain:secret')).toBe(true);
  expect(await verifier.verify('secret', 'plain:other')).toBe(false);
  expect(seen).toEqual(['plain:secret', 'plain:other']);
});

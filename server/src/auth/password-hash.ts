import type { Core } from '@strapi/strapi';

type VerifyPassword = (password: string, hash: string) => Promise<boolean>;

export interface PasswordVerifier {
  /** Whether a password matches an account's stored users-permissions hash. */
  verify: VerifyPassword;
}

/** A bcrypt hash as users-permissions stores it (bcryptjs writes `$2a$` or `$2b$`). */
const BCRYPT_HASH = /^\$2[aby]\$\d\d\$[./A-Za-z0-9]{53}$/;

/** The native bcrypt, where its prebuilt binary loads on this platform. */
function loadNativeBcrypt(): VerifyPassword | null {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { verify } = require('@node-rs/bcrypt') as { verify: VerifyPassword };
    return verify;
  } catch {
    return null;
  }
}

/**
 * Checks account passwords for Basic sign-ins. A bcrypt hash is checked by the native implementation, which takes
 * about 60% of the time of the bcryptjs that users-permissions uses, with the same answers; the first request of
 * every client sync pays for one check. Any other hash (a site that changed how passwords are stored), and every
 * hash where the native module cannot load, is left to users-permissions.
 */
export function createPasswordVerifier(strapi: Core.Strapi): PasswordVerifier {
  const nativeVerify = loadNativeBcrypt();
  return {
    async verify(password, hash) {
      if (nativeVerify && BCRYPT_HASH.test(hash)) return nativeVerify(password, hash);
      return (await strapi.plugin('users-permissions').service('user').validatePassword(password, hash)) as boolean;
    },
  };
}

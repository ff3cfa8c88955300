/**
 * Counting of failed HTTP Basic sign-ins, per account identifier and per client address, in fixed windows.
 *
 * The counts live in this process's memory: each Strapi process counts on its own, and a restart forgets them. An
 * attacker spread over several processes gets that many times the limit, which still bounds guessing to a handful
 * of attempts per minute; a shared store would add a dependency for little gain.
 */

import type { LoginThrottleConfig } from '../config';

interface Window {
  failures: number;
  /** When this window ends and its count is forgotten (epoch milliseconds). */
  endsAt: number;
}

/** Most keys tracked per kind (accounts, addresses), so that a flood of made-up names cannot exhaust memory. */
export const MAX_TRACKED_KEYS = 50_000;

/** Failures keyed by one kind of key, dropping finished windows and, when full, the oldest. */
function createCounter(limit: () => number, windowMs: () => number, maxKeys: number, now: () => number) {
  const windows = new Map<string, Window>();

  const current = (key: string): Window | null => {
    const window = windows.get(key);
    if (!window) return null;
    if (window.endsAt <= now()) {
      windows.delete(key);
      return null;
    }
    return window;
  };

  const makeRoom = () => {
    if (windows.size < maxKeys) return;
    const time = now();
    for (const [key, window] of windows) if (window.endsAt <= time) windows.delete(key);
    // Still full of live windows: forget the oldest (Map iterates in insertion order).
    while (windows.size >= maxKeys) {
      const oldest = windows.keys().next().value;
      if (oldest === undefined) break;
      windows.delete(oldest);
    }
  };

  return {
    /** Milliseconds until attempts for `key` are allowed again, or 0 when they are allowed now. */
    blockedFor(key: string): number {
      const window = current(key);
      return window && window.failures >= limit() ? window.endsAt - now() : 0;
    },
    fail(key: string): void {
      const window = current(key);
      if (window) {
        window.failures += 1;
        return;
      }
      makeRoom();
      windows.set(key, { failures: 1, endsAt: now() + windowMs() });
    },
    reset(key: string): void {
      windows.delete(key);
    },
  };
}

export interface LoginThrottle {
  /** Seconds to wait before another attempt for this identifier from this address, or null when one may be made. */
  retryAfter(identifier: string, address: string): number | null;
  /**
   * Counts a failed attempt against the identifier (whether or not such an account exists) and the address. The
   * same wrong password sent again is not counted again: an old phone retrying a changed or revoked password is no
   * guessing, and must not lock its owner out. `fingerprint` identifies the credential (a hash, never the secret).
   */
  recordFailure(identifier: string, address: string, fingerprint: string): void;
  /** A successful sign-in clears the account's count; the address's count stays, it may be trying many accounts. */
  recordSuccess(identifier: string): void;
}

/** `config` is read at each use: an administrator may change the limits while the site runs. */
export function createLoginThrottle(config: () => LoginThrottleConfig, options: { now?: () => number; maxKeys?: number } = {}): LoginThrottle {
  const now = options.now ?? Date.now;
  const maxKeys = options.maxKeys ?? MAX_TRACKED_KEYS;
  const windowMs = () => config().windowSeconds * 1000;
  const accounts = createCounter(() => config().maxFailuresPerAccount, windowMs, maxKeys, now);
  const addresses = createCounter(() => config().maxFailuresPerAddress, windowMs, maxKeys, now);
  // Credentials that already failed in this window, so that their retries are not counted; a repeat is still
  // checked in full (the password may have become right since).
  const failedCredentials = createCounter(() => 1, windowMs, maxKeys, now);
  // Usernames are case-sensitive but emails are not; one count per spelling would multiply the limit.
  const accountKey = (identifier: string) => identifier.toLowerCase();

  return {
    retryAfter(identifier, address) {
      const waitMs = Math.max(accounts.blockedFor(accountKey(identifier)), addresses.blockedFor(address));
      return waitMs > 0 ? Math.max(1, Math.ceil(waitMs / 1000)) : null;
    },
    recordFailure(identifier, address, fingerprint) {
      if (failedCredentials.blockedFor(fingerprint) > 0) return;
      failedCredentials.fail(fingerprint);
      accounts.fail(accountKey(identifier));
      addresses.fail(address);
    },
    recordSuccess(identifier) {
      accounts.reset(accountKey(identifier));
    },
  };
}

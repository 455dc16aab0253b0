import { hash, verify } from '@node-rs/argon2';

/**
 * argon2id (the library's default algorithm) with its default cost: 19 MiB, t=2, p=1 — OWASP's
 * minimum recommendation. The PHC string ("$argon2id$v=19$m=19456,t=2,p=1$…") records the parameters.
 */
export function hashPassword(password: string): Promise<string> {
  return hash(password);
}

export async function verifyPassword(stored: string, password: string): Promise<boolean> {
  try {
    return await verify(stored, password);
  } catch {
    return false; // malformed hash: never a match
  }
}

let dummy: Promise<string> | undefined;
/**
 * Spends the same time as a real check when there is no account (or no password) for the phone,
 * so that the answer time does not tell whether a phone is registered.
 */
export async function verifyAgainstDummy(password: string): Promise<false> {
  dummy ??= hashPassword('no-account-has-this-password');
  await verifyPassword(await dummy, password);
  return false;
}

/** null when acceptable; otherwise the reason (shown to the user, never the password itself). */
export function passwordProblem(password: string): string | null {
  if (password.length < 10) return 'password must have at least 10 characters';
  if (password.length > 128) return 'password must have at most 128 characters';
  if (!/[A-Za-z]/.test(password) || !/\d/.test(password)) return 'password must contain letters and digits';
  return null;
}

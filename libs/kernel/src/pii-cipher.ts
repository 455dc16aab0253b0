import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';

/**
 * Encryption of personal data at rest (DOMAIN.md "Personal data").
 * - encrypt/decrypt: AES-256-GCM (authenticated), layout: [version=1][iv 12][tag 16][ciphertext].
 * - blindIndex: HMAC-SHA256 with a separate key, so an elder or user can be found by ID number or
 *   phone without storing them in clear. Inputs are normalised first (trim, upper-case X in ID numbers).
 */
export class PiiCipher {
  private static readonly VERSION = 1;
  private readonly encKey: Buffer;
  private readonly hashKey: Buffer;

  constructor(encryptionKeyBase64: string, hashKeyBase64: string) {
    this.encKey = Buffer.from(encryptionKeyBase64, 'base64');
    this.hashKey = Buffer.from(hashKeyBase64, 'base64');
    if (this.encKey.length !== 32) throw new Error('PII encryption key must be 32 bytes (base64)');
    if (this.hashKey.length < 32) throw new Error('PII hash key must be at least 32 bytes (base64)');
  }

  encrypt(plain: string): Buffer {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.encKey, iv);
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return Buffer.concat([Buffer.from([PiiCipher.VERSION]), iv, cipher.getAuthTag(), body]);
  }

  encryptOptional(plain: string | null | undefined): Buffer | null {
    return plain == null || plain === '' ? null : this.encrypt(plain);
  }

  decrypt(sealed: Buffer): string {
    if (sealed[0] !== PiiCipher.VERSION) throw new Error('unknown PII ciphertext version');
    const decipher = createDecipheriv('aes-256-gcm', this.encKey, sealed.subarray(1, 13));
    decipher.setAuthTag(sealed.subarray(13, 29));
    return Buffer.concat([decipher.update(sealed.subarray(29)), decipher.final()]).toString('utf8');
  }

  decryptOptional(sealed: Buffer | null | undefined): string | null {
    return sealed ? this.decrypt(sealed) : null;
  }

  blindIndex(value: string): Buffer {
    return createHmac('sha256', this.hashKey).update(normalisePii(value)).digest();
  }

  static generateKey(): string {
    return randomBytes(32).toString('base64');
  }
}

export function normalisePii(value: string): string {
  return value.replace(/[\s-]/g, '').toUpperCase();
}

export const PII_CIPHER = Symbol('PII_CIPHER');

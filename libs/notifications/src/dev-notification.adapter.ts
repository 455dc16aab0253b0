import { Inject, Injectable, Logger } from '@nestjs/common';
import { TransactionHost } from '#lib/database';
import type { DataSource } from 'typeorm';
import { maskPhone, PII_CIPHER, PiiCipher } from '#lib/kernel';
import { NotificationPort } from './notification.port.js';

/** true: print recorded messages to the console (development only). */
export const NOTIFICATIONS_ECHO = Symbol('NOTIFICATIONS_ECHO');

/**
 * Development adapter: nothing is sent; each message is recorded in `outbound_message` with the
 * recipient and the parameters encrypted (the recipient is found by its keyed hash).
 * Logs only the template and the row id. With `echo` (NODE_ENV=development only) it also prints the
 * message to the console — phone masked — so a developer can read a one-time code without a phone.
 */
@Injectable()
export class DevNotificationAdapter extends NotificationPort {
  private readonly logger = new Logger('Notifications');

  constructor(
    private readonly txHost: TransactionHost,
    @Inject(PII_CIPHER) private readonly cipher: PiiCipher,
    @Inject(NOTIFICATIONS_ECHO) private readonly echo: boolean,
  ) {
    super();
  }

  async send(phone: string, template: string, params: Record<string, string>): Promise<void> {
    // in the caller's transaction when there is one (the message is then recorded only if it commits)
    const rows: { id: string }[] = await this.txHost.tx.query(
      `INSERT INTO outbound_message (channel, recipient_enc, recipient_hash, template, params_enc)
       VALUES ('SMS', $1, $2, $3, $4) RETURNING id`,
      [
        this.cipher.encrypt(phone),
        this.cipher.blindIndex(phone),
        template,
        this.cipher.encrypt(JSON.stringify(params)),
      ],
    );
    this.logger.log(`message ${rows[0].id} recorded (template ${template}, not sent: development adapter)`);
    if (this.echo) console.log(`[开发短信 dev SMS] → ${maskPhone(phone)} ${template} ${JSON.stringify(params)}`);
  }
}

/**
 * Test/dev helper: the newest message recorded for this phone, decrypted; undefined when none.
 * Takes anything with `query` (DataSource or EntityManager).
 */
export async function readLastMessage(
  ds: Pick<DataSource, 'query'>,
  cipher: PiiCipher,
  phone: string,
): Promise<{ template: string; params: Record<string, string>; at: Date } | undefined> {
  const rows: { template: string; params_enc: Buffer; created_at: Date }[] = await ds.query(
    `SELECT template, params_enc, created_at FROM outbound_message WHERE recipient_hash = $1 ORDER BY id DESC LIMIT 1`,
    [cipher.blindIndex(phone)],
  );
  if (!rows[0]) return undefined;
  return {
    template: rows[0].template,
    params: JSON.parse(cipher.decrypt(rows[0].params_enc)) as Record<string, string>,
    at: rows[0].created_at,
  };
}

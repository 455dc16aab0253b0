import { Injectable } from '@nestjs/common';
import { createHash, timingSafeEqual } from 'node:crypto';
import { Role, type Actor } from '#lib/kernel';
import { IdentityError, IdentityErrorCode } from '../identity.errors.js';
import { returning, TransactionHost } from '#lib/database';

/** SOS devices send `X-Device-Key: <deviceId>.<secret>`; the actor may only raise an emergency for its elder. */
@Injectable()
export class DeviceAuthenticator {
  constructor(private readonly txHost: TransactionHost) {}

  async authenticate(key: string | undefined): Promise<Actor> {
    const invalid = new IdentityError(IdentityErrorCode.DEVICE_KEY_INVALID, 'device key missing or invalid');
    const match = /^([0-9a-f-]{36})\.([A-Za-z0-9_-]{20,200})$/.exec(key ?? '');
    if (!match) throw invalid;
    const rows = await returning<{ elder_id: string; key_hash: Buffer; active: boolean }>(
      this.txHost.tx,
      `UPDATE sos_device SET last_seen_at = now() WHERE id = $1 RETURNING elder_id, key_hash, active`,
      [match[1]],
    );
    const row = rows[0];
    const presented = createHash('sha256').update(match[2]).digest();
    if (!row || !row.active || !timingSafeEqual(presented, row.key_hash)) throw invalid;
    return { userId: match[1], role: Role.SOS_DEVICE, elderIds: [row.elder_id] };
  }
}

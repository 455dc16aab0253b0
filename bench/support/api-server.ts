/**
 * The real API entry (apps/api/src/main.ts) with one change made from outside, for the auth-overhead
 * baseline only: when BENCH_FIXED_ACTOR is set (JSON of an Actor), the global AccessGuard does no
 * authentication and no role check — it attaches that actor to the request and lets it through.
 * Everything else (routing, validation, the handler, its SQL, the use case's own scope checks, logging)
 * is the same code. Never used outside bench/.
 */
import type { ExecutionContext } from '@nestjs/common';
import { AccessGuard } from '#lib/identity';
import type { Actor } from '#lib/kernel';

const fixed = process.env.BENCH_FIXED_ACTOR;
if (fixed) {
  const actor = JSON.parse(fixed) as Actor;
  AccessGuard.prototype.canActivate = async function (context: ExecutionContext): Promise<boolean> {
    context.switchToHttp().getRequest<{ actor?: Actor }>().actor = { ...actor };
    return true;
  };
  console.log('bench: AccessGuard replaced by a fixed actor (unauthenticated baseline)');
}

await import('../../apps/api/src/main.js');

import { REGION_ENTITIES } from '#lib/regions';
import { CATALOG_ENTITIES } from '#lib/catalog';
import { PROVIDER_ENTITIES } from '#lib/providers';
import { ELDER_ENTITIES } from '#lib/elders';
import { IDENTITY_ENTITIES } from '#lib/identity';
import { AUDIT_TRAIL_ENTITIES } from '#lib/audit-trail';
import { NOTIFICATION_ENTITIES } from '#lib/notifications';
import { ORDER_ENTITIES } from '#lib/orders';

/** Every entity of every bounded context: the schema the migrations must match. */
export const ENTITIES = [
  ...REGION_ENTITIES,
  ...CATALOG_ENTITIES,
  ...PROVIDER_ENTITIES,
  ...ELDER_ENTITIES,
  ...IDENTITY_ENTITIES,
  ...AUDIT_TRAIL_ENTITIES,
  ...NOTIFICATION_ENTITIES,
  ...ORDER_ENTITIES,
];

import { ElderEntity, EmergencyContactEntity } from './elder.entity.js';

export * from './elder.entity.js';
export const ELDER_ENTITIES = [ElderEntity, EmergencyContactEntity];
export * from './elders.module.js';
export * from './elders.errors.js';
export { parseResidentId, residentIdCheckChar, ageOn, type ResidentId, type ResidentIdResult } from './resident-id.js';
export {
  presentElder,
  elderVisibleTo,
  ELDER_READER_ROLES,
  ELDER_WRITER_ROLES,
  ELDER_PII_ROLES,
  type ElderRecord,
  type ElderView,
  type EmergencyContactRecord,
} from './elder-presenter.js';
export {
  EldersService,
  type ElderForOrder,
  type ElderPii,
  type CreateElderInput,
  type UpdateElderInput,
  type ListEldersFilter,
  type EmergencyContactInputData,
} from './elders.service.js';

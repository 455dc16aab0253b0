import { ProviderEntity, ProviderContractEntity, WorkerEntity } from './provider.entity.js';

export * from './provider.entity.js';
export const PROVIDER_ENTITIES = [ProviderEntity, ProviderContractEntity, WorkerEntity];
export * from './providers.module.js';
export * from './providers.errors.js';
export { weeklyHoursProblem, withinWeeklyHours } from './weekly-hours.js';
export {
  ProvidersService,
  ProvidersAuditAction,
  workerHasQualification,
  type ProviderView,
  type ContractView,
  type WorkerView,
  type WorkerForAssignment,
  type CreateProviderInput,
  type CreateContractInput,
  type CreateWorkerInput,
  type UpdateWorkerInput,
} from './providers.service.js';

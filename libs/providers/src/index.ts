import { ProviderEntity, ProviderContractEntity, WorkerEntity } from './provider.entity.js';

export * from './provider.entity.js';
export const PROVIDER_ENTITIES = [ProviderEntity, ProviderContractEntity, WorkerEntity];
export * from './providers.module.js';

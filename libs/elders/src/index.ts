import { ElderEntity, EmergencyContactEntity } from './elder.entity.js';

export * from './elder.entity.js';
export const ELDER_ENTITIES = [ElderEntity, EmergencyContactEntity];
export * from './elders.module.js';

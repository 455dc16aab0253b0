import { ServiceType, ServiceUnit } from './catalog.entity.js';

/**
 * The ten helps (十助) of the 1+3+N plan (seeds/002, chapter 4) with typical items. This is the
 * starting catalogue the seed loads; admins edit prices, durations and SLAs as data afterwards.
 * Prices are illustrative (fen); the 30-minute on-site SLA for EMERGENCY follows one city's rule.
 */
export const STANDARD_SERVICE_TYPES: { code: ServiceType; nameZh: string; nameEn: string }[] = [
  { code: ServiceType.MEAL, nameZh: '助餐', nameEn: 'Meals' },
  { code: ServiceType.BATH, nameZh: '助浴', nameEn: 'Bathing' },
  { code: ServiceType.MEDICAL, nameZh: '助医', nameEn: 'Medical escort and care' },
  { code: ServiceType.CLEAN, nameZh: '助洁', nameEn: 'Cleaning' },
  { code: ServiceType.EMERGENCY, nameZh: '助急', nameEn: 'Emergency' },
  { code: ServiceType.MOBILITY, nameZh: '助行', nameEn: 'Mobility' },
  { code: ServiceType.SHOPPING, nameZh: '助购', nameEn: 'Shopping and errands' },
  { code: ServiceType.RECREATION, nameZh: '助乐', nameEn: 'Recreation' },
  { code: ServiceType.CHAT, nameZh: '助聊', nameEn: 'Companionship' },
  { code: ServiceType.LEARNING, nameZh: '助学', nameEn: 'Learning' },
];

export interface StandardItem {
  code: string;
  serviceType: ServiceType;
  nameZh: string;
  nameEn: string;
  unit: ServiceUnit;
  priceCents: number;
  minDurationMinutes: number;
  requiredQualification: string | null;
  acceptSlaMinutes: number;
  onsiteSlaMinutes: number | null;
}

const T = ServiceType;
const U = ServiceUnit;
export const STANDARD_ITEMS: StandardItem[] = [
  { code: 'MEAL_DELIVERY', serviceType: T.MEAL, nameZh: '送餐上门', nameEn: 'Home-delivered meal', unit: U.MEAL, priceCents: 1500, minDurationMinutes: 10, requiredQualification: 'FOOD_HANDLER', acceptSlaMinutes: 30, onsiteSlaMinutes: null },
  { code: 'MEAL_CANTEEN', serviceType: T.MEAL, nameZh: '长者食堂就餐', nameEn: 'Canteen meal', unit: U.MEAL, priceCents: 1200, minDurationMinutes: 0, requiredQualification: null, acceptSlaMinutes: 60, onsiteSlaMinutes: null },
  { code: 'BATH_HOME', serviceType: T.BATH, nameZh: '上门助浴', nameEn: 'Home bathing', unit: U.VISIT, priceCents: 12000, minDurationMinutes: 60, requiredQualification: 'CAREGIVER', acceptSlaMinutes: 120, onsiteSlaMinutes: null },
  { code: 'BATH_CENTRE', serviceType: T.BATH, nameZh: '中心助浴', nameEn: 'Bathing at a centre', unit: U.VISIT, priceCents: 6000, minDurationMinutes: 45, requiredQualification: 'CAREGIVER', acceptSlaMinutes: 120, onsiteSlaMinutes: null },
  { code: 'MEDICAL_ESCORT', serviceType: T.MEDICAL, nameZh: '陪同就医', nameEn: 'Escort to hospital', unit: U.HOUR, priceCents: 4000, minDurationMinutes: 60, requiredQualification: 'CAREGIVER', acceptSlaMinutes: 60, onsiteSlaMinutes: null },
  { code: 'MEDICINE_PICKUP', serviceType: T.MEDICAL, nameZh: '代取药品', nameEn: 'Medicine pick-up', unit: U.VISIT, priceCents: 2000, minDurationMinutes: 20, requiredQualification: null, acceptSlaMinutes: 60, onsiteSlaMinutes: null },
  { code: 'HOME_NURSING', serviceType: T.MEDICAL, nameZh: '上门护理', nameEn: 'Home nursing', unit: U.VISIT, priceCents: 8000, minDurationMinutes: 45, requiredQualification: 'NURSE', acceptSlaMinutes: 60, onsiteSlaMinutes: null },
  { code: 'CLEAN_HOUR', serviceType: T.CLEAN, nameZh: '居家保洁', nameEn: 'Home cleaning (per hour)', unit: U.HOUR, priceCents: 3500, minDurationMinutes: 60, requiredQualification: null, acceptSlaMinutes: 120, onsiteSlaMinutes: null },
  { code: 'LAUNDRY', serviceType: T.CLEAN, nameZh: '衣物洗涤', nameEn: 'Laundry', unit: U.VISIT, priceCents: 2500, minDurationMinutes: 30, requiredQualification: null, acceptSlaMinutes: 120, onsiteSlaMinutes: null },
  { code: 'SOS_RESPONSE', serviceType: T.EMERGENCY, nameZh: '紧急呼叫响应', nameEn: 'SOS response', unit: U.VISIT, priceCents: 5000, minDurationMinutes: 15, requiredQualification: 'FIRST_AID', acceptSlaMinutes: 5, onsiteSlaMinutes: 30 },
  { code: 'EMERGENCY_VISIT', serviceType: T.EMERGENCY, nameZh: '紧急上门探视', nameEn: 'Emergency visit', unit: U.VISIT, priceCents: 5000, minDurationMinutes: 20, requiredQualification: 'FIRST_AID', acceptSlaMinutes: 5, onsiteSlaMinutes: 30 },
  { code: 'ESCORTED_OUTING', serviceType: T.MOBILITY, nameZh: '陪同出行', nameEn: 'Escorted outing', unit: U.HOUR, priceCents: 3000, minDurationMinutes: 60, requiredQualification: null, acceptSlaMinutes: 120, onsiteSlaMinutes: null },
  { code: 'MOBILITY_AID_LOAN', serviceType: T.MOBILITY, nameZh: '助行器具租借', nameEn: 'Mobility aid loan', unit: U.DAY, priceCents: 500, minDurationMinutes: 0, requiredQualification: null, acceptSlaMinutes: 240, onsiteSlaMinutes: null },
  { code: 'SHOPPING_ERRAND', serviceType: T.SHOPPING, nameZh: '代购代办', nameEn: 'Errands and shopping', unit: U.VISIT, priceCents: 2000, minDurationMinutes: 30, requiredQualification: null, acceptSlaMinutes: 120, onsiteSlaMinutes: null },
  { code: 'RECREATION_ACTIVITY', serviceType: T.RECREATION, nameZh: '文体娱乐活动', nameEn: 'Cultural and recreational activity', unit: U.SESSION, priceCents: 1000, minDurationMinutes: 60, requiredQualification: null, acceptSlaMinutes: 240, onsiteSlaMinutes: null },
  { code: 'COMPANION_VISIT', serviceType: T.CHAT, nameZh: '上门陪聊探访', nameEn: 'Companionship visit', unit: U.HOUR, priceCents: 2500, minDurationMinutes: 60, requiredQualification: null, acceptSlaMinutes: 240, onsiteSlaMinutes: null },
  { code: 'WELFARE_CALL', serviceType: T.CHAT, nameZh: '探访关爱电话', nameEn: 'Welfare call', unit: U.SESSION, priceCents: 500, minDurationMinutes: 10, requiredQualification: null, acceptSlaMinutes: 240, onsiteSlaMinutes: null },
  { code: 'SMARTPHONE_CLASS', serviceType: T.LEARNING, nameZh: '智能手机培训', nameEn: 'Smartphone training', unit: U.SESSION, priceCents: 1000, minDurationMinutes: 60, requiredQualification: null, acceptSlaMinutes: 240, onsiteSlaMinutes: null },
  { code: 'CLASS_SESSION', serviceType: T.LEARNING, nameZh: '老年课堂', nameEn: 'Class', unit: U.SESSION, priceCents: 800, minDurationMinutes: 60, requiredQualification: null, acceptSlaMinutes: 240, onsiteSlaMinutes: null },
];

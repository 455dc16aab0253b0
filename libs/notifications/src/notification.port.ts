/**
 * Outgoing messages to a phone (SMS). Abstract class so it doubles as the DI token:
 * `constructor(private readonly notifications: NotificationPort)`.
 * `template` names a message template (e.g. LOGIN_CODE, ORDER_CONFIRMATION_CODE); `params` fill it.
 * Implementations never log the phone number or the parameters (they may hold one-time codes).
 */
export abstract class NotificationPort {
  abstract send(phone: string, template: string, params: Record<string, string>): Promise<void>;
}

/** Templates used by the platform (the SMS provider's template ids are mapped in the adapter). */
export const MessageTemplate = {
  /** 您的登录验证码是 {code}，5 分钟内有效。 */
  LOGIN_CODE: 'LOGIN_CODE',
  /** 服务确认码 {code} */
  ORDER_CONFIRMATION_CODE: 'ORDER_CONFIRMATION_CODE',
  /** 【紧急呼叫】您家老人的紧急呼叫已受理（工单 {orderNo}），服务人员正在赶来。 (no name: parameters may be echoed in development) */
  EMERGENCY_RAISED: 'EMERGENCY_RAISED',
} as const;

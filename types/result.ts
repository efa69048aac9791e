/** Every function answers `{ ok: true, data }` or `{ ok: false, code, message }` with a stable code. */
export const ERROR_CODES = [
  'INVALID_ARGUMENT', // the event failed its schema
  'UNKNOWN_ACTION', // event.action names no action of this function
  'UNAUTHENTICATED', // no mini-program identity (OPENID) where one is required
  'PERMISSION_DENIED', // the caller may not do this
  'NOT_FOUND', // the thing asked for does not exist (e.g. member not signed in yet)
  'CONFLICT', // a concurrent change won; safe to retry
  'ALREADY_EXISTS', // e.g. appointing someone who is already staff
  'INSUFFICIENT_POINTS', // a spend or negative adjustment larger than the available points
  'MEMBER_CODE_INVALID', // a forged, altered or unknown member code
  'MEMBER_CODE_EXPIRED', // a member code older than its validity window (e.g. a screenshot)
  'MEMBER_CODE_USED', // a member code already used for a purchase
  'PHONE_CODE_INVALID', // a wrong or expired phone verification code
  'OUT_OF_STOCK', // a coupon template with nothing left to issue
  'LIMIT_REACHED', // a per-member or per-month limit (coupon claims, make-up check-ins)
  'COUPON_USED', // a coupon already written off
  'COUPON_EXPIRED', // a coupon past its validity
  'COUPON_NOT_APPLICABLE', // a coupon that cannot be used here: another member's, not yet valid, minimum spend not met, not stackable
  'IDEMPOTENCY_MISMATCH', // an id (an order's source + orderId, a refundId) already used for different content
  'RATE_LIMITED', // too many requests in the last minute: wait and send again
  'NOT_BIRTHDAY_WEEK', // a birthday gift claimed outside the member's birthday week (domain/birthday.ts)
  'FAILED_PRECONDITION', // the request is valid but the state does not allow it (e.g. refunding more than was paid)
  'PRIVACY_CONSENT_REQUIRED', // phone binding, a new avatar or nickname without a consent to the current 用户隐私保护指引: ask, agreePrivacy, send again
  'INTERNAL', // a bug or an outage: nothing was half-written
] as const
export type ErrorCode = (typeof ERROR_CODES)[number]

export type Ok<T> = { ok: true; data: T }
export type Fail = { ok: false; code: ErrorCode; message: string; issues?: Array<{ path: string; message: string }> }
export type Result<T> = Ok<T> | Fail

/** Thrown inside functions; the router turns it into a `Fail`. */
export class AppError extends Error {
  constructor(
    public readonly code: ErrorCode,
    message: string,
    public readonly issues?: Fail['issues'],
  ) {
    super(message)
  }
}

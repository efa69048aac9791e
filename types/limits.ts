/**
 * Limits that a contract (zod schema) and the client both need. No zod here: the client imports
 * this module, and zod must stay out of the mini-program bundle.
 */

/** Coupons on one purchase (types/staff.ts `couponCodes` max; the till stops selecting at this many). */
export const MAX_COUPONS_PER_PURCHASE = 5

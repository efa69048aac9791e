/**
 * The coupon arithmetic and limits the server and the mini-program share. Only type imports here:
 * Taro compiles domain/ into the bundle, and values from types/ (zod schemas, AppError) must stay out.
 */
import type { CouponDoc } from '../types/coupons'

/** 1000 → "10", 1050 → "10.5", 1234 → "12.34". */
export const yuan = (fen: number) => (fen % 100 === 0 ? String(fen / 100) : (fen / 100).toFixed(2).replace(/0$/, ''))

/** The discount one coupon gives on `remainingFen` of an order: never more than what is left; percent rounds down to the fen. */
export function couponDiscount(c: Pick<CouponDoc, 'type' | 'valueFen' | 'percentOff' | 'capFen'>, remainingFen: number): number {
  let off = 0
  if (c.type === 'cash' || c.type === 'threshold') off = c.valueFen ?? 0
  else if (c.type === 'percent') off = Math.min(Math.floor((remainingFen * (c.percentOff ?? 0)) / 100), c.capFen ?? Infinity)
  return Math.max(0, Math.min(off, remainingFen))
}

/** How long a cashier may undo a stand-alone coupon write-off. */
export const UNDO_WINDOW_MINUTES = 10

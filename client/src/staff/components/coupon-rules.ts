/**
 * Coupons at the till, client side: which coupons can be chosen for an order, how a selection
 * changes when one is tapped, and a preview of the discount. The server decides for real
 * (domain/coupons.ts applyCoupons); this only keeps the cashier from sending what it would refuse.
 */
import type { CouponView } from '../../../../types/coupons'
import type { Fail } from '../../../../types/result'
import { couponDiscount, yuan } from '../../../../domain/coupon-math'
import { MAX_COUPONS_PER_PURCHASE } from '../../../../types/limits'
import { tillErrorText } from '../till'

export { UNDO_WINDOW_MINUTES } from '../../../../domain/coupon-math'

/** Why `c` cannot be used on an order of `orderFen` (null: no amount entered yet) now, or null when it can. */
export function couponBlocker(c: CouponView, orderFen: number | null): string | null {
  if (c.state === 'used') return '已使用'
  if (c.state === 'expired') return '已过期'
  if (c.notYetValid) return '未到使用时间'
  if (c.type === 'makeup_card') return '仅用于补签'
  if (c.minSpendFen > 0 && (orderFen === null || orderFen < c.minSpendFen)) return `未满 ${yuan(c.minSpendFen)} 元`
  return null
}

/** Keeps the codes (in their order) that still name a coupon of `coupons` usable on `orderFen`. */
export function keepUsable(selected: string[], coupons: CouponView[], orderFen: number | null): string[] {
  const byCode = new Map(coupons.map(c => [c.code, c]))
  return selected.filter(code => {
    const c = byCode.get(code)
    return !!c && couponBlocker(c, orderFen) === null
  })
}

/**
 * The selection after tapping `c`: a selected coupon is deselected; a non-stackable coupon is used
 * alone (others are deselected); a stackable one joins the other stackable ones (a non-stackable one
 * is deselected). `hint` tells the cashier what changed, or why nothing did.
 */
export function toggleCoupon(selected: string[], c: CouponView, coupons: CouponView[]): { selected: string[]; hint: string } {
  if (selected.includes(c.code)) return { selected: selected.filter(code => code !== c.code), hint: '' }
  const byCode = new Map(coupons.map(x => [x.code, x]))
  if (!c.stackable) {
    return { selected: [c.code], hint: selected.length ? `「${c.name}」不可与其他券同时使用，已取消其他券` : '' }
  }
  const kept = selected.filter(code => byCode.get(code)?.stackable)
  const dropped = selected.filter(code => !kept.includes(code)).map(code => byCode.get(code)?.name ?? code)
  if (kept.length >= MAX_COUPONS_PER_PURCHASE) return { selected, hint: `一次最多使用 ${MAX_COUPONS_PER_PURCHASE} 张券` }
  return {
    selected: [...kept, c.code],
    hint: dropped.length ? `「${dropped.join('、')}」不可与其他券同时使用，已取消` : '',
  }
}

/** The discount of `selected` (in this order) on an order of `orderFen`, as the server computes it. */
export function previewDiscount(selected: CouponView[], orderFen: number): { discounts: number[]; discountFen: number; paidFen: number } {
  let remaining = orderFen
  const discounts = selected.map(c => {
    const off = couponDiscount(c, remaining)
    remaining -= off
    return off
  })
  const discountFen = orderFen - remaining
  return { discounts, discountFen, paidFen: remaining }
}

/** Coupon failures get their own words; the rest as the till words them (member codes, not found, …). */
export function couponErrorText(f: Fail): string {
  switch (f.code) {
    case 'COUPON_USED':
      return '券已被使用'
    case 'COUPON_EXPIRED':
      return '券已过期'
    case 'COUPON_NOT_APPLICABLE':
      return f.message || '该券不能在此使用'
    default:
      return tillErrorText(f)
  }
}

export function isCouponFailure(f: Fail): boolean {
  return f.code === 'COUPON_USED' || f.code === 'COUPON_EXPIRED' || f.code === 'COUPON_NOT_APPLICABLE'
}

/** 12 digits in groups of four, for reading: 1234 5678 9012. */
export function couponCodeText(code: string): string {
  return code.replace(/(\d{4})(?=\d)/g, '$1 ')
}

/**
 * Coupon names the till has seen this visit (the purchase result only carries codes), so the
 * result page can name the coupons used.
 */
const seenNames = new Map<string, string>()

export function rememberCoupons(coupons: CouponView[]): void {
  for (const c of coupons) seenNames.set(c.code, `${c.name}（${c.summary}）`)
}

export function couponLabel(code: string): string {
  const name = seenNames.get(code)
  return name ? `${name} ${couponCodeText(code)}` : couponCodeText(code)
}

/**
 * Coupon rules: pure functions, time passed in.
 * - A coupon copies its template's terms when issued; validity is a fixed window or "until the end
 *   of the Nth Shanghai day after the claim".
 * - A coupon is expired once `validUntil` has passed, whatever its stored status says (the daily job
 *   only marks it for reports).
 * - At the till: the coupon must be the scanned member's, valid now, unused, and the order must reach
 *   its minimum spend; one non-stackable coupon alone, or any number of stackable ones.
 * - Discounts never exceed what is left of the order; percent discounts round down to the fen.
 */
import { AppError } from '../types/result'
import type { Audience, CouponDoc, CouponState, CouponTemplate, CouponTemplateInput, CouponView, Validity } from '../types/coupons'
import { couponDiscount, yuan } from './coupon-math'
import { matches, type ResolvedRule } from './segments'
import { shanghaiDay, shanghaiDayStart } from './time'

/** "满100减20", "8.5折 最高减30元", "10元现金券", "礼品：帆布袋", "补签卡". */
export function describeCoupon(
  t: Pick<CouponTemplateInput, 'type' | 'minSpendFen'> & { valueFen?: number | null; percentOff?: number | null; capFen?: number | null; giftName?: string | null },
): string {
  const threshold = t.minSpendFen > 0 ? `满${yuan(t.minSpendFen)}` : ''
  switch (t.type) {
    case 'cash':
      return threshold ? `${threshold}减${yuan(t.valueFen ?? 0)}` : `${yuan(t.valueFen ?? 0)}元现金券`
    case 'threshold':
      return `${threshold}减${yuan(t.valueFen ?? 0)}`
    case 'percent': {
      const rate = (100 - (t.percentOff ?? 0)) / 10
      const cap = t.capFen ? ` 最高减${yuan(t.capFen)}元` : ''
      return `${threshold ? `${threshold}享` : ''}${rate}折${cap}`
    }
    case 'gift':
      return `礼品：${t.giftName ?? ''}`
    case 'makeup_card':
      return '补签卡'
  }
}

/** The validity window of a coupon issued at `issuedAt`. */
export function validityWindow(validity: Validity, issuedAt: Date): { validFrom: Date; validUntil: Date } {
  if (validity.kind === 'fixed') return { validFrom: new Date(validity.start), validUntil: new Date(validity.end) }
  // Shanghai keeps +08:00 all year: whole days are exact
  return { validFrom: issuedAt, validUntil: new Date(shanghaiDayStart(issuedAt).getTime() + (validity.days + 1) * 86_400_000) }
}

export function validityText(validity: Validity): string {
  if (validity.kind === 'relative') return `领取后 ${validity.days} 天内有效`
  const last = new Date(new Date(validity.end).getTime() - 1)
  return `${shanghaiDay(new Date(validity.start))} 至 ${shanghaiDay(last)}`
}

/** Whether a fixed-window template can still produce a usable coupon. */
export function templateOver(t: Pick<CouponTemplate, 'validity'>, now: Date): boolean {
  return t.validity.kind === 'fixed' && new Date(t.validity.end) <= now
}

export function couponState(c: Pick<CouponDoc, 'status' | 'validUntil'>, now: Date): CouponState {
  if (c.status === 'used') return 'used'
  return c.status === 'expired' || new Date(c.validUntil) <= now ? 'expired' : 'available'
}

type AudienceMember = { tierId?: string; tags?: string[] } & Record<string, unknown>

/**
 * The member is in the template's audience. Tiers and tags come from purchases and the tiers job
 * (a member without a tier yet is in the base tier); a segment audience needs its resolved rule
 * (unknown segment: nobody).
 */
export function inAudience(audience: Audience, member: AudienceMember, segment?: ResolvedRule | null): boolean {
  if (audience.kind === 'all') return true
  if (audience.kind === 'tiers') return audience.tierIds.includes(member.tierId ?? BASE_TIER_ID)
  if (audience.kind === 'segment') return !!segment && matches(member, segment)
  return audience.tags.some(tag => (member.tags ?? []).includes(tag))
}

export const BASE_TIER_ID = 'base'

/** The coupon a template gives `member` now (the shell adds the ids). */
export function couponFromTemplate(t: CouponTemplate, issuedAt: Date): Omit<CouponDoc, '_id' | 'code' | 'memberId' | 'memberNo' | 'channel'> {
  return {
    templateId: t._id,
    name: t.name,
    type: t.type,
    valueFen: t.valueFen ?? null,
    percentOff: t.percentOff ?? null,
    capFen: t.capFen ?? null,
    minSpendFen: t.minSpendFen,
    giftName: t.giftName ?? null,
    stackable: t.stackable,
    ...validityWindow(t.validity, issuedAt),
    status: 'available',
    issuedAt,
    usedAt: null,
    writeOffId: null,
  }
}

/** Why a template cannot be taken by this member now, or null when it can. */
export function offerBlocker(t: CouponTemplate, held: number, member: AudienceMember, now: Date, segment?: ResolvedRule | null): string | null {
  if (t.status !== 'active') return '已暂停发放'
  if (templateOver(t, now)) return '活动已结束'
  if (t.stock !== null && t.stock <= 0) return '已领完'
  if (held >= t.perMemberLimit) return '已达领取上限'
  if (!inAudience(t.audience, member, segment)) return '仅限指定会员'
  return null
}

export function toCouponView(c: CouponDoc, now: Date): CouponView {
  return {
    couponId: c._id,
    code: c.code,
    templateId: c.templateId,
    name: c.name,
    type: c.type,
    summary: describeCoupon(c),
    valueFen: c.valueFen,
    percentOff: c.percentOff,
    capFen: c.capFen,
    minSpendFen: c.minSpendFen,
    giftName: c.giftName,
    stackable: c.stackable,
    validFrom: new Date(c.validFrom).toISOString(),
    validUntil: new Date(c.validUntil).toISOString(),
    state: couponState(c, now),
    notYetValid: new Date(c.validFrom) > now,
    issuedAt: new Date(c.issuedAt).toISOString(),
    usedAt: c.usedAt ? new Date(c.usedAt).toISOString() : null,
  }
}

/**
 * Checks coupons for use on an order of `orderFen` (null: a stand-alone write-off with no order, only
 * allowed for coupons without a minimum spend) and returns the discount of each, in order.
 */
export { couponDiscount, yuan }

export function applyCoupons(coupons: CouponDoc[], memberId: string, orderFen: number | null, now: Date): { discounts: number[]; discountFen: number; paidFen: number } {
  if (new Set(coupons.map(c => c._id)).size !== coupons.length) throw new AppError('INVALID_ARGUMENT', '同一张券不能重复使用')
  if (coupons.length > 1 && coupons.some(c => !c.stackable)) throw new AppError('COUPON_NOT_APPLICABLE', '含不可叠加的券：一次只能用一张')
  let remaining = orderFen ?? 0
  const discounts: number[] = []
  for (const c of coupons) {
    if (c.memberId !== memberId) throw new AppError('COUPON_NOT_APPLICABLE', `券 ${c.code} 不属于该会员`)
    const state = couponState(c, now)
    if (state === 'used') throw new AppError('COUPON_USED', `券 ${c.code} 已使用`)
    if (state === 'expired') throw new AppError('COUPON_EXPIRED', `券 ${c.code} 已过期`)
    if (new Date(c.validFrom) > now) throw new AppError('COUPON_NOT_APPLICABLE', `券 ${c.code} 尚未到可用时间`)
    if (c.type === 'makeup_card') throw new AppError('COUPON_NOT_APPLICABLE', '补签卡只能用于补签')
    if (c.minSpendFen > 0 && (orderFen === null || orderFen < c.minSpendFen)) {
      throw new AppError('COUPON_NOT_APPLICABLE', `未达到使用门槛：需满 ${yuan(c.minSpendFen)} 元`)
    }
    const off = orderFen === null ? 0 : couponDiscount(c, remaining)
    discounts.push(off)
    remaining -= off
  }
  const discountFen = discounts.reduce((s, d) => s + d, 0)
  return { discounts, discountFen, paidFen: (orderFen ?? 0) - discountFen }
}

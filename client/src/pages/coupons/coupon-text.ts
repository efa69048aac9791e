/** How coupons and offers read on the member's pages (我的券, 券详情, 领券中心, 积分商城). */
import type { CouponState, CouponView, OfferView } from '../../../../types/coupons'
import type { Fail } from '../../../../types/result'
import { yuan } from '../../../../domain/coupon-math'
import { failText } from '../../services/errors'
import { lastValid, shanghaiDateText, shanghaiDateTimeText } from '../../utils/format'

export const COUPON_STATE_TEXT: Record<CouponState, string> = {
  available: '可使用',
  used: '已使用',
  expired: '已过期',
}

/** "有效期至 2024年3月10日" (or "2024年3月8日 起可用" for one whose window has not started). */
export function couponValidityShort(c: Pick<CouponView, 'validFrom' | 'validUntil' | 'notYetValid' | 'state'>): string {
  if (c.state === 'available' && c.notYetValid) return `${shanghaiDateText(c.validFrom)} 起可用`
  return `有效期至 ${shanghaiDateText(lastValid(c.validUntil))}`
}

/** "2024-03-05 10:00 至 2024-03-10 23:59" (Shanghai). */
export function couponValidityRange(c: Pick<CouponView, 'validFrom' | 'validUntil'>): string {
  return `${shanghaiDateTimeText(c.validFrom)} 至 ${shanghaiDateTimeText(lastValid(c.validUntil))}`
}

/** "满 100 元可用" or "无门槛". */
export function thresholdText(minSpendFen: number): string {
  return minSpendFen > 0 ? `满 ${yuan(minSpendFen)} 元可用` : '无门槛'
}

export function stackText(stackable: boolean): string {
  return stackable ? '可叠加：可与其他可叠加的券同时使用' : '不可叠加：每次消费仅可使用这一张'
}

/** "剩余 12 张" or "不限量". */
export function stockText(o: Pick<OfferView, 'remaining'>): string {
  return o.remaining === null ? '不限量' : `剩余 ${o.remaining} 张`
}

/** A transport failure, an outage or a lost race: the outcome is unknown, retry with the same requestId. */
export function outcomeUnknown(f: Fail): boolean {
  return f.code === 'INTERNAL' || f.code === 'CONFLICT'
}

/** What the member reads when a claim or an exchange is refused. */
export function takeErrorText(f: Fail, verb: '领取' | '兑换'): string {
  switch (f.code) {
    case 'OUT_OF_STOCK':
      return verb === '领取' ? '来晚了，这张券已被领完' : '来晚了，这件商品已兑完'
    case 'LIMIT_REACHED':
      return verb === '领取' ? '你已达到这张券的领取上限' : '你已达到这件商品的兑换上限'
    case 'INSUFFICIENT_POINTS':
      return '积分不足，无法兑换'
    case 'NOT_FOUND':
      return f.message || (verb === '领取' ? '这张券已下架' : '这件商品已下架')
    case 'PERMISSION_DENIED':
      return f.message || `你暂时不能${verb}这张券`
    default:
      return failText(f)
  }
}

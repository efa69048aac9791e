/**
 * The flows' own answers (test/weapp/flows.test.ts), from the client tests' fixtures: a claimed
 * coupon shows up in 我的券 as it would from the cloud functions; the till's member and products.
 */
import { ok } from '../client/fixtures'
import { coupon, offer } from '../client/coupon-fixtures'
import { couponView, failure, productAtTill, purchaseView, tillMember, writeOffView } from '../client/backend'
import type { Handlers } from './backend'
import type { CouponView } from '../../types/coupons'

/** 领券中心 with one offer (12 left, one per member) and an empty wallet that fills as it is claimed. */
export function couponWallet() {
  const held: CouponView[] = []
  const claimed = coupon({ couponId: 'cp_9', code: '987654321098' })
  const handlers: Handlers = {
    'member.claimCenter': () => ok({ offers: [offer({ remaining: 12 - held.length, held: held.length, canTake: held.length === 0, reason: held.length ? '已达领取上限' : null })] }),
    'member.claimCoupon': () => {
      held.push(claimed)
      return ok({ coupon: claimed, replayed: false })
    },
    'member.myCoupons': (e: Record<string, unknown>) => ok({ items: e.state === 'available' ? held : [], hasMore: false, counts: { available: held.length, used: 0, expired: 0 } }),
    'member.couponDetail': (e: Record<string, unknown>) => ok({ coupon: held.find(c => c.couponId === e.couponId) ?? coupon() }),
  }
  return { held, handlers }
}

/** A member code as the scanner reads it off the member's phone (18 digits). */
export const MEMBER_CODE = '100000000112345678'

export const LATTE = productAtTill()
export const OAT = productAtTill({ productId: 'p-oat-latte', title: '燕麦拿铁', priceFen: 3500, barcode: '6901234567038' })
export const CROISSANT = productAtTill({ productId: 'p-croissant', title: '黄油可颂', category: '烘焙', priceFen: 1800, barcode: '6901234567069' })
const CATALOG = [LATTE, OAT, CROISSANT]

/**
 * The till's functions: the member code identifies 小爱 (120 points, no coupons), the store sells
 * three products (two on quick keys), and a purchase earns 70 points (balance 190).
 */
export function tillAnswers(): Handlers {
  return {
    'staff.verifyCode': e => (e.code === MEMBER_CODE ? ok({ member: tillMember() }) : failure('MEMBER_CODE_INVALID', '会员码无效')),
    'staff.memberCoupons': ok({ member: tillMember(), coupons: [] }),
    'staff.tillQuickKeys': ok({ products: [LATTE, CROISSANT], source: 'sales' }),
    'staff.tillCatalog': e => {
      const q = String(e.query ?? '')
      const list = CATALOG.filter(p => (!e.category || p.category === e.category) && (!q || p.title.includes(q) || p.barcode === q))
      return ok({ products: list, categories: ['咖啡', '烘焙'] })
    },
    'staff.productByCode': e => {
      const p = CATALOG.find(x => x.barcode === e.code || x.productId === e.code)
      return p ? ok({ product: p }) : failure('NOT_FOUND', `没有找到商品码为 ${String(e.code)} 的商品`)
    },
    'staff.recordPurchase': e => ok({ purchase: purchaseView({ amountFen: Number(e.amountFen) }), pointsEarned: 70, balance: 190, replayed: false }),
  }
}

/** 核销券: 小爱 holds one 10元现金券 (code 200000000001), written off as asked. */
export function writeOffAnswers(): Handlers {
  return {
    'staff.memberCoupons': ok({ member: tillMember(), coupons: [couponView()] }),
    'staff.writeOffCoupon': e => ok({ writeOff: writeOffView({ code: String(e.couponCode), orderFen: (e.orderFen as number) ?? null }), replayed: false }),
  }
}

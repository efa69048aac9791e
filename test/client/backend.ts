import type { callFunction } from '../../client/src/services/cloud'
import type { MemberAtTill, ProductAtTill, PurchaseView, StaffOutputs } from '../../types/staff'
import type { CouponView, WriteOffView } from '../../types/coupons'
import type { Fail, Result } from '../../types/result'

type Call = jest.MockedFunction<typeof callFunction>
type Event = Record<string, unknown>
type Answer = Result<unknown> | Promise<Result<unknown>>
export type Handlers = Record<string, Answer | ((event: Event) => Answer)>

/**
 * Routes the mocked callFunction by "<function>.<action>" (e.g. "member.login", "staff.me").
 * An action with no handler throws, so an unexpected call shows up as a failing page.
 */
export function routeCalls(call: Call, handlers: Handlers): void {
  call.mockImplementation(async (name: string, event: Event) => {
    const key = `${name}.${String(event.action)}`
    if (!(key in handlers)) throw new Error(`unexpected call ${key}`)
    const h = handlers[key]
    return (typeof h === 'function' ? h(event) : h) as never
  })
}

/** The events sent for "<function>.<action>", in order. */
export function eventsFor(call: Call, key: string): Event[] {
  return call.mock.calls.filter(([name, event]) => `${name}.${String(event.action)}` === key).map(([, event]) => event)
}

export function failure(code: Fail['code'], message: string = code): Fail {
  return { ok: false, code, message }
}

export const denied = failure('PERMISSION_DENIED', '仅限店员使用')

export function staffMe(overrides: Partial<StaffOutputs['me']> = {}): StaffOutputs['me'] {
  return { name: '王店员', storeId: 'store_jingan', storeName: '上海静安旗舰店', ...overrides }
}

export function tillMember(overrides: Partial<MemberAtTill> = {}): MemberAtTill {
  return {
    memberNo: '1000000001',
    nickname: '小爱',
    maskedPhone: '138****5678',
    tierName: '普通会员',
    points: 120,
    availableCoupons: 2,
    ...overrides,
  }
}

/** A purchase; `orderFen` defaults to what was paid plus the coupons' discount (none by default). */
export function purchaseView(overrides: Partial<PurchaseView> = {}): PurchaseView {
  const amountFen = overrides.amountFen ?? 1230
  const discountFen = overrides.discountFen ?? 0
  return {
    purchaseId: 'pur_1',
    memberNo: '1000000001',
    storeId: 'store_jingan',
    amountFen,
    refundedFen: 0,
    pointsEarned: 12,
    pointsReversed: 0,
    status: 'completed',
    orderFen: amountFen + discountFen,
    discountFen,
    couponCodes: [],
    createdAt: '2024-03-05T06:05:00.000Z',
    ...overrides,
  }
}

/** A coupon usable at the till: by default 10元现金券, not stackable, no minimum spend. */
export function couponView(overrides: Partial<CouponView> = {}): CouponView {
  return {
    couponId: 'cpn_1',
    code: '200000000001',
    templateId: 'cash-10',
    name: '10元现金券',
    type: 'cash',
    summary: '10元现金券',
    valueFen: 1000,
    percentOff: null,
    capFen: null,
    minSpendFen: 0,
    giftName: null,
    stackable: false,
    validFrom: '2024-03-01T00:00:00.000Z',
    validUntil: '2024-03-31T16:00:00.000Z',
    state: 'available',
    notYetValid: false,
    issuedAt: '2024-03-01T00:00:00.000Z',
    usedAt: null,
    ...overrides,
  }
}

/** A stand-alone write-off (no purchase) of `couponView()` at the Jingan store. */
export function writeOffView(overrides: Partial<WriteOffView> = {}): WriteOffView {
  return {
    writeOffId: 'wo_1',
    couponId: 'cpn_1',
    code: '200000000001',
    memberNo: '1000000001',
    name: '10元现金券',
    storeId: 'store_jingan',
    purchaseId: null,
    orderFen: null,
    discountFen: 0,
    at: new Date().toISOString(),
    undone: null,
    ...overrides,
  }
}

/** A product at the till: by default 拿铁 ￥32.00 with a barcode. */
export function productAtTill(overrides: Partial<ProductAtTill> = {}): ProductAtTill {
  return { productId: 'p-latte', title: '拿铁', category: '咖啡', priceFen: 3200, barcode: '6901234567014', ...overrides }
}

/** The purchase page's catalog calls for a store without products (the amount-only till). */
export const emptyCatalog: Handlers = {
  'staff.tillQuickKeys': { ok: true, data: { products: [], source: 'catalog' } },
  'staff.tillCatalog': { ok: true, data: { products: [], categories: [] } },
}

import type { callFunction } from '../../client/src/services/cloud'
import type { MemberAtTill, PurchaseView, StaffOutputs } from '../../types/staff'
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

export function purchaseView(overrides: Partial<PurchaseView> = {}): PurchaseView {
  return {
    purchaseId: 'pur_1',
    memberNo: '1000000001',
    storeId: 'store_jingan',
    amountFen: 1230,
    refundedFen: 0,
    pointsEarned: 12,
    pointsReversed: 0,
    status: 'completed',
    createdAt: '2024-03-05T06:05:00.000Z',
    ...overrides,
  }
}

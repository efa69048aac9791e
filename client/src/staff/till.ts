/**
 * What the till pages hand each other (scan → purchase → result), kept in memory for this visit
 * to the staff pages: the member being served and the last purchase recorded.
 */
import type { Fail } from '../../../types/result'
import type { MemberAtTill, StaffOutputs } from '../../../types/staff'
import { failText } from '../services/errors'
import type { TillMemberRef } from '../services/staff'

export interface ServedMember {
  member: MemberAtTill
  /** how the purchase names the member: the scanned code (checked once more, then used up) or the member number found by phone */
  ref: TillMemberRef
  /** how the member was identified, for the page text */
  via: 'code' | 'phone'
}

let served: ServedMember | null = null
let lastPurchase: StaffOutputs['recordPurchase'] | null = null
let staffMe: StaffOutputs['me'] | null = null

export const till = {
  served: () => served,
  serve(m: ServedMember) {
    served = m
    lastPurchase = null
  },
  /** 继续收银 / 换一位: the next customer starts from scratch */
  clear() {
    served = null
    lastPurchase = null
  },
  lastPurchase: () => lastPurchase,
  setLastPurchase(p: StaffOutputs['recordPurchase'] | null) {
    lastPurchase = p
  },
  me: () => staffMe,
  setMe(me: StaffOutputs['me'] | null) {
    staffMe = me
  },
}

/** True when the failure means the caller is not (or no longer) staff. */
export function isDenied(f: Fail): boolean {
  return f.code === 'PERMISSION_DENIED'
}

/** Outcome unknown (transport failure, outage, lost race): retry with the same requestId. */
export function mayHaveHappened(f: Fail): boolean {
  return f.code === 'INTERNAL' || f.code === 'CONFLICT'
}

/** What the staff member reads for a failed till action. */
export function tillErrorText(f: Fail): string {
  switch (f.code) {
    case 'MEMBER_CODE_EXPIRED':
      return '会员码已过期，请让顾客刷新会员码后重新出示'
    case 'MEMBER_CODE_INVALID':
      return '会员码无效，请核对后重试'
    case 'MEMBER_CODE_USED':
      return '该会员码已使用过，请让顾客刷新会员码后重新出示'
    case 'NOT_FOUND':
      return f.message || '没有找到该会员'
    default:
      return failText(f)
  }
}

/** A member code needs a fresh scan after these. */
export function needsRescan(f: Fail): boolean {
  return f.code === 'MEMBER_CODE_EXPIRED' || f.code === 'MEMBER_CODE_USED' || f.code === 'MEMBER_CODE_INVALID'
}

export const PURCHASE_STATUS_TEXT: Record<StaffOutputs['recordPurchase']['purchase']['status'], string> = {
  completed: '已完成',
  partially_refunded: '部分退款',
  refunded: '已退款',
}

/** A string usable inside an element id. */
export function idPart(s: string): string {
  return s.replace(/[^\w-]/g, '_')
}

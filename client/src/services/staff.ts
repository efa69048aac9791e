import type { StaffOutputs } from '../../../types/staff'
import type { Result } from '../../../types/result'
import { callFunction } from './cloud'

type Out<K extends keyof StaffOutputs> = Promise<Result<StaffOutputs[K]>>

/** Which member a till action is for: a scanned member code, or a member number found by phone. */
export type TillMemberRef = { code: string } | { memberNo: string }

/** The `staff` cloud function's actions (contracts in types/staff.ts). A consumer gets PERMISSION_DENIED. */
export const staffApi = {
  me(): Out<'me'> {
    return callFunction('staff', { action: 'me' })
  },
  verifyCode(code: string): Out<'verifyCode'> {
    return callFunction('staff', { action: 'verifyCode', code })
  },
  findMemberByPhone(phone: string): Out<'findMemberByPhone'> {
    return callFunction('staff', { action: 'findMemberByPhone', phone })
  },
  /** `requestId`: one per purchase submission, reused on retry: the same id never awards twice. */
  recordPurchase(input: { requestId: string; member: TillMemberRef; amountFen: number }): Out<'recordPurchase'> {
    return callFunction('staff', { action: 'recordPurchase', ...input })
  },
  /** `amountFen` omitted: refund what is left of the purchase. */
  refundPurchase(input: { requestId: string; purchaseId: string; amountFen?: number; reason?: string }): Out<'refundPurchase'> {
    const event: Record<string, unknown> = { action: 'refundPurchase', requestId: input.requestId, purchaseId: input.purchaseId }
    if (input.amountFen !== undefined) event.amountFen = input.amountFen
    if (input.reason) event.reason = input.reason
    return callFunction('staff', event)
  },
  today(): Out<'today'> {
    return callFunction('staff', { action: 'today' })
  },
}

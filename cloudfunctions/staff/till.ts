/** Who is at the till: the staff row behind the caller, and the member a code or number names. */
import type { Member } from '../../types/member'
import { AppError } from '../../types/result'
import { CODE_FAILS_PER_MEMBER, CODE_FAILS_PER_STAFF, CODE_FAILS_WINDOW_MINUTES, type MemberAtTill, type StaffEvent } from '../../types/staff'
import { maskPhone } from '../../domain/member'
import { deriveMemberKey, parseMemberCode, verifyMemberCode } from '../../domain/member-code'
import { availablePoints } from '../../domain/points'
import { effectiveTierId, tierDef } from '../../domain/tiers'
import { loadRulesCached, TIER_LADDER } from '../shared/rules'
import { _ } from '../shared/cloud'
import { codeUseId } from '../shared/collections/code_uses'
import { coupons } from '../shared/collections/coupons'
import { staffRows, type StaffRow } from '../shared/collections/staff'
import { oncePerCall, requireUser, type CallContext } from '../shared/handler'
import { isDeleted, memberByNo } from '../shared/members'
import { findById } from '../shared/query'
import { fullWindow, takeSlots, type Window } from '../shared/rate-limit'

export type { StaffRow }

export type TillMemberRef = Extract<StaffEvent, { action: 'recordPurchase' }>['member']

export async function requireStaff(ctx: CallContext): Promise<StaffRow> {
  const openid = requireUser(ctx)
  const row = await oncePerCall(ctx, 'staff', () => findById(staffRows, openid))
  if (!row || row.active !== true) throw new AppError('PERMISSION_DENIED', '仅在岗店员可使用收银功能')
  return row
}

function codeSecret(): string {
  const secret = process.env.MEMBER_CODE_SECRET
  if (!secret) {
    console.error('[staff] MEMBER_CODE_SECRET is not set: add it to the environment variables of the member and staff functions')
    throw new AppError('INTERNAL', '会员码服务未配置，请联系管理员')
  }
  return secret
}

const CODE_WINDOW_MS = CODE_FAILS_WINDOW_MINUTES * 60_000
const staffCodeWindow = (staffId: string): Window => ({ scope: 'code-staff', subject: staffId, limit: CODE_FAILS_PER_STAFF, windowMs: CODE_WINDOW_MS })
const memberCodeWindow = (memberNo: string): Window => ({ scope: 'code-member', subject: memberNo, limit: CODE_FAILS_PER_MEMBER, windowMs: CODE_WINDOW_MS })

const rateLimited = (full: Window) => new AppError('RATE_LIMITED', `${full.scope === 'code-staff' ? '本店员' : '该会员'}会员码校验失败次数过多，请 ${CODE_FAILS_WINDOW_MINUTES} 分钟后再试`)

/**
 * The member a scanned code belongs to, if the code is genuine and current. A failed check (invalid
 * or expired) takes a slot in the staff member's window and, for a real member number, in the
 * member's (both or neither, atomically: parallel guesses get no more MEMBER_CODE_INVALID answers
 * than the limits); once a window is full every check is RATE_LIMITED, a genuine code too. A
 * genuine code costs one read of the windows and takes no slot.
 */
export async function memberForCode(code: string, now: Date, staffId: string): Promise<{ member: Member; useId: string; step: number }> {
  const secret = codeSecret()
  const parsed = parseMemberCode(code)
  const found = parsed ? await memberByNo(parsed.memberNo) : null
  const member = found && !isDeleted(found) ? found : null
  const windows = [staffCodeWindow(staffId), ...(member ? [memberCodeWindow(member.memberNo)] : [])]
  const check = member ? verifyMemberCode(deriveMemberKey(secret, member.memberNo, member.codeKeyVersion), code, now) : null
  if (member && check?.ok) {
    const full = await fullWindow(windows, now)
    if (full) throw rateLimited(full)
    return { member, useId: codeUseId(member.memberNo, check.step), step: check.step }
  }
  const full = await takeSlots(windows, now)
  if (full) throw rateLimited(full)
  if (check?.ok === false && check.reason === 'expired') throw new AppError('MEMBER_CODE_EXPIRED', '会员码已过期，请顾客刷新后重新出示')
  throw new AppError('MEMBER_CODE_INVALID', '无效的会员码')
}

/** The member a till action names, without using up the code (only a purchase consumes it). */
export async function memberAtTillRef(ref: TillMemberRef, now: Date, staffId: string): Promise<Member> {
  if ('code' in ref) return (await memberForCode(ref.code, now, staffId)).member
  const member = await memberByNo(ref.memberNo)
  if (!member || isDeleted(member)) throw new AppError('NOT_FOUND', `会员不存在：${ref.memberNo}`)
  return member
}

/** Coupons the member can use at the till now (make-up cards are for check-in only). */
export function tillCoupons(memberId: string, now: Date) {
  return coupons.where({ memberId, status: 'available', validUntil: _.gt(now), validFrom: _.lte(now), type: _.neq('makeup_card') })
}

export async function atTill(member: Member, now: Date): Promise<MemberAtTill> {
  const { rules: ladder } = await loadRulesCached(TIER_LADDER)
  return {
    memberNo: member.memberNo,
    nickname: member.nickname,
    maskedPhone: maskPhone(member.phone),
    tierName: tierDef(ladder, effectiveTierId(member.tier, ladder, now)).name,
    points: availablePoints(member, now),
    availableCoupons: (await tillCoupons(member._id, now).count()).total,
  }
}

/** `member`: what a consumer does from the mini-program. Identity is the context OPENID, never the event. */
import { randomInt } from 'crypto'
import { sha256 } from 'js-sha256'
import { MemberEvents, phoneNumber, type Member, type MemberEvent } from '../../types/member'
import type { MemberFunctionOutputs } from './actions'
import { isOwnFile } from '../../domain/privacy'
import { deleteFiles } from '../shared/privacy'
import { AppError } from '../../types/result'
import { memberNoFrom, newMember, profileChanges, toProfile } from '../../domain/member'
import { CODE_STEP_SECONDS, deriveMemberKey } from '../../domain/member-code'
import { expireDue, expiringSoon } from '../../domain/points'
import { growthInWindow, tierProgress } from '../../domain/tiers'
import { linkInviter } from '../shared/referrals'
import { recordSignup } from '../shared/signups'
import { loadRules, POINT_RULES, TIER_LADDER } from '../shared/rules'
import { planClaim } from '../../domain/import'
import { callerRoles } from '../shared/access'
import { wholeFields } from '../shared/activity'
import { auditIn } from '../shared/audit'
import { cloud, _ } from '../shared/cloud'
import { memberImports } from '../shared/collections/member_imports'
import { memberPhones } from '../shared/collections/member_phones'
import { phoneCodes } from '../shared/collections/phone_codes'
import { defineFunction, requireUser } from '../shared/handler'
import { deletedError, isDeleted, ledgerOf, loadMember, memberById, members, parseMember, toLedgerItem } from '../shared/members'
import { creditPendingOrders, pendingKeysOf } from '../shared/orders'
import { findById } from '../shared/query'
import type { Transaction } from '../shared/sdk-types'
import { getInTransaction, isDuplicateKey, transact } from '../shared/transaction'
import { applyWalletChange } from '../shared/wallet'

import { checkinActions } from './checkin'
import { couponActions, issueWelcomeCoupons } from './coupons'
import { taskActions } from './tasks'
import { recommendActions } from './recommend'
import { reminderActions } from './reminders'
import { npsActions } from './nps'
import { trackActions } from './track'
import { purchaseActions } from './purchases'
import { privacyActions } from './privacy'
import { birthdayActions } from './birthday'
import { linkWecomOnSignIn, wecomMemberActions } from './wecom'
import { consentActions, consentingMember, loginPrivacyState, memberAndDoc, requirePrivacyConsent } from './consent'
import { profileChangeNeedsConsent } from '../../domain/consent'

export const PHONE_CODE_TTL_SECONDS = 5 * 60
export const PHONE_CODE_RESEND_SECONDS = 60
export const PHONE_CODE_MAX_ATTEMPTS = 5
export { DELETED_NICKNAME } from '../../domain/privacy'

const onEmulator = () => process.env.CLOUDBASE_EMULATOR === '1'

/** A random 10-digit member number nobody has (checked; a collision is ~1 in 10^9 per member). */
async function freeMemberNo(): Promise<string> {
  for (let attempt = 0; attempt < 8; attempt++) {
    const memberNo = memberNoFrom(Math.random)
    if ((await members.where({ memberNo }).count()).total === 0) return memberNo
  }
  throw new AppError('INTERNAL', '会员号分配失败，请重试')
}

function codeHash(openid: string, phone: string, code: string): string {
  return sha256(`phone-code:${openid}:${phone}:${code}`)
}

/**
 * Binds `phone` to the member in one transaction. A phone belongs to one member: the claim doc
 * `member_phones/<phone>` is created with the binding (a racing second claim conflicts and, retried,
 * sees the first) and removed when the member changes phone or deletes the account.
 */
async function bindPhoneTo(openid: string, phone: string, now: Date, consumeSmsCode: boolean): Promise<Member> {
  return transact(async t => {
    const doc = await getInTransaction(t, members, openid)
    if (!doc) throw new AppError('NOT_FOUND', '会员不存在，请先登录')
    const member = parseMember(doc)
    if (isDeleted(member)) throw deletedError()
    const claim = await getInTransaction(t, memberPhones, phone)
    if (claim && claim.memberId !== openid) throw new AppError('ALREADY_EXISTS', '该手机号已绑定其他会员')
    if (consumeSmsCode) await phoneCodes.in(t).doc(openid).remove()
    if (member.phone === phone && claim) return claimImportIn(t, member, phone, now)
    if (member.phone && member.phone !== phone) {
      const old = await getInTransaction(t, memberPhones, member.phone)
      if (old?.memberId === openid) await memberPhones.in(t).doc(member.phone).remove()
    }
    if (!claim) await memberPhones.in(t).add({ data: { _id: phone, memberId: openid, boundAt: now } })
    await members
      .in(t)
      .doc(openid)
      .update({ data: { phone, updatedAt: now } })
    return claimImportIn(t, { ...member, phone, updatedAt: now }, phone, now)
  })
}

/**
 * After a binding commits: orders a POS, a shop or a history import sent for this phone (or for the
 * external id of the import just claimed) before the member existed are credited now, within a time
 * budget (the daily sweep credits what is left). A failure there never fails the binding.
 */
async function withPendingOrders(member: Member, now: Date): Promise<Member> {
  try {
    const { credited } = await creditPendingOrders(member._id, await pendingKeysOf(member), now)
    return credited ? ((await memberById(member._id)) ?? member) : member
  } catch (err) {
    console.error('[member] pending orders not credited at binding (the daily sweep retries)', err)
    return member
  }
}

/**
 * A member imported by the brand (admin.importMembers) with this phone and not yet claimed: the
 * binding member takes over the imported profile and opening balance, in the binding transaction.
 * The import record turns `claimed` here, so two parallel binds (or a retry) credit it once; the
 * ledger row's id (`adjust:import:<importId>`) could not be booked twice anyway.
 */
async function claimImportIn(t: Transaction, member: Member, phone: string, now: Date): Promise<Member> {
  const record = await getInTransaction(t, memberImports, phone)
  if (!record || record.status !== 'pending') return member
  const [{ rules: pointRules }, { rules: ladder }] = await Promise.all([loadRules(POINT_RULES), loadRules(TIER_LADDER)])
  const plan = planClaim(member, record, { now, expiryMonths: pointRules.expiryMonths, ladder, via: 'bind' })
  // always written (at least updatedAt): a racing deleteMyAccount, which writes the member too, then conflicts
  // with this claim, so the deletion finds the claimed record when it runs again (or the bind sees the account gone)
  await members
    .in(t)
    .doc(member._id)
    .update({ data: wholeFields({ ...plan.memberPatch, updatedAt: now }) })
  if (plan.change.entries.length) await applyWalletChange(t, member, plan.change, { now, operator: member._id })
  await memberImports.in(t).doc(phone).update({ data: plan.recordPatch })
  await auditIn(t, {
    actor: member._id,
    action: 'claimImportedMember',
    target: member._id,
    before: { points: member.points },
    after: { points: plan.change.wallet.points, importId: record.importId, externalId: record.externalId },
    at: now,
  })
  return { ...member, ...plan.memberPatch, ...plan.change.wallet, updatedAt: now }
}

export const main = defineFunction<MemberEvent, MemberFunctionOutputs>(
  MemberEvents,
  {
    ...checkinActions,
    ...couponActions,
    ...taskActions,
    ...trackActions,
    ...reminderActions,
    ...recommendActions,
    ...npsActions,
    ...purchaseActions,
    // 导出我的数据 / 注销账号 (PIPL), by the declaration in domain/privacy.ts
    ...privacyActions,
    ...consentActions,
    ...birthdayActions,
    ...wecomMemberActions,

    async login(event, ctx) {
      const openid = requireUser(ctx)
      // the caller's roles (管理 on the home page) are read alongside the member
      // and whether the member agreed to the current 用户隐私保护指引 (the client asks before personal-data APIs)
      const [existing, roles, privacyOf] = await Promise.all([findById(members, openid), callerRoles(openid), loginPrivacyState()])
      if (existing) {
        if (isDeleted(existing)) throw deletedError()
        const patch: Record<string, unknown> = { lastLoginAt: ctx.now }
        // members signed up before member numbers existed get one now
        if (!existing.memberNo) patch.memberNo = await freeMemberNo()
        await members.doc(openid).update({ data: patch })
        await linkWecomOnSignIn(existing, ctx.now)
        return { member: toProfile(parseMember({ ...existing, ...patch })), created: false, roles, privacy: privacyOf(existing) }
      }
      const member = newMember(openid, await freeMemberNo(), ctx.now)
      try {
        // _id is the OPENID: two first sign-ins racing create one member, the loser reads it
        await members.add({ data: member })
        // only a member created by this call can be linked to an inviter
        if (event.inviteCode) await linkInviter(null, member, event.inviteCode, ctx.now)
        // and attributed to the channel code it came through (first touch); attribution never fails a sign-in
        if (event.scene) await recordSignup(openid, event.scene, ctx.now).catch(err => console.error('[member] sign-up attribution not recorded', err))
        // WeCom contacts added before this first sign-in are linked now, by UNIONID (after the scene's attribution, which comes first)
        await linkWecomOnSignIn(member, ctx.now)
        await issueWelcomeCoupons(member, ctx.now)
        return { member: toProfile(member), created: true, roles, privacy: privacyOf(null) }
      } catch (err) {
        if (!isDuplicateKey(err)) throw err
        return { member: toProfile(await loadMember(openid)), created: false, roles, privacy: privacyOf(null) }
      }
    },

    async myTier(_event, ctx) {
      const member = await loadMember(requireUser(ctx))
      const { rules: ladder } = await loadRules(TIER_LADDER)
      return tierProgress(member.tier, ladder, growthInWindow(member.growth, ladder, ctx.now), ctx.now)
    },

    async getProfile(_event, ctx) {
      return { member: toProfile(await loadMember(requireUser(ctx))) }
    },

    async updateProfile(event, ctx) {
      const { doc, member } = await memberAndDoc(requireUser(ctx))
      const changes = profileChanges(member, event.patch, ctx.now)
      if (Object.keys(changes).length === 0) return { member: toProfile(member) }
      // a new avatar or nickname is what WeChat's privacy APIs hand over: consent first (birthday, gender: see domain/consent.ts)
      if (profileChangeNeedsConsent(changes)) await requirePrivacyConsent(doc)
      const updated = { ...member, ...changes, updatedAt: ctx.now }
      await members.doc(member._id).update({ data: { ...changes, updatedAt: ctx.now } })
      // a replaced photo is personal data nobody uses any more (an account deletion could not find it later)
      const replaced = member.avatarFileId
      if (replaced && 'avatarFileId' in changes && changes.avatarFileId !== replaced && isOwnFile(replaced, member._id)) {
        await deleteFiles([replaced]).catch(err => console.warn('[member] the replaced avatar was not deleted', replaced, err))
      }
      return { member: toProfile(updated) }
    },

    async getPoints(_event, ctx) {
      let member = await loadMember(requireUser(ctx))
      // expire what is due now rather than show points that can no longer be spent (the daily job
      // does the same; ledger ids make the two agree)
      if (member.pointBatches.some(b => b.expiresAt <= ctx.now)) {
        member = await transact(async t => {
          const doc = await getInTransaction(t, members, member._id)
          const fresh = parseMember(doc!)
          const change = expireDue(fresh, ctx.now)
          if (!change.entries.length) return fresh
          await applyWalletChange(t, fresh, change, { now: ctx.now, operator: 'system' })
          return { ...fresh, ...change.wallet }
        })
      }
      return { balance: member.points, expiring: expiringSoon(member, ctx.now) }
    },

    async pointsHistory(event, ctx) {
      const member = await loadMember(requireUser(ctx))
      const { data } = await ledgerOf(member._id)
        .skip(event.offset)
        .limit(event.limit + 1)
        .get()
      return { items: data.slice(0, event.limit).map(toLedgerItem), hasMore: data.length > event.limit }
    },

    async getCodeKey(_event, ctx) {
      const member = await loadMember(requireUser(ctx))
      const secret = process.env.MEMBER_CODE_SECRET
      if (!secret) {
        console.error('[member] MEMBER_CODE_SECRET is not set: add it to the environment variables of the member and staff functions')
        throw new AppError('INTERNAL', '会员码服务未配置，请联系管理员')
      }
      return {
        memberNo: member.memberNo,
        key: deriveMemberKey(secret, member.memberNo, member.codeKeyVersion),
        keyVersion: member.codeKeyVersion,
        stepSeconds: CODE_STEP_SECONDS,
        serverTime: ctx.now.toISOString(),
      }
    },

    async requestPhoneCode(event, ctx) {
      const openid = requireUser(ctx)
      // the number goes to the server: consent to the guide first
      const member = await consentingMember(openid)
      if (!onEmulator()) {
        // no SMS provider is wired up: on WeChat the phone comes from the getPhoneNumber button (bindPhone)
        throw new AppError('FAILED_PRECONDITION', '短信验证码仅在本地演示环境可用，请使用微信手机号快速验证')
      }
      if (member.phone === event.phone) throw new AppError('FAILED_PRECONDITION', '已绑定该手机号')
      const code = String(randomInt(0, 1_000_000)).padStart(6, '0')
      await transact(async t => {
        const prev = await getInTransaction(t, phoneCodes, openid)
        const wait = prev ? Math.ceil(PHONE_CODE_RESEND_SECONDS - (ctx.now.getTime() - new Date(prev.sentAt).getTime()) / 1000) : 0
        if (wait > 0) throw new AppError('FAILED_PRECONDITION', `验证码发送太频繁，请 ${wait} 秒后再试`)
        await phoneCodes
          .in(t)
          .doc(openid)
          .set({
            data: {
              memberId: openid,
              phone: event.phone,
              codeHash: codeHash(openid, event.phone, code),
              attempts: 0,
              sentAt: ctx.now,
              expiresAt: new Date(ctx.now.getTime() + PHONE_CODE_TTL_SECONDS * 1000),
            },
          })
      })
      return { sent: true as const, expiresInSeconds: PHONE_CODE_TTL_SECONDS, ...(onEmulator() ? { devCode: code } : {}) }
    },

    async bindPhone(event, ctx) {
      const openid = requireUser(ctx)
      // before the code is exchanged: refused, the same code can be sent again after agreeing
      await consentingMember(openid)
      let res: { phoneInfo?: { purePhoneNumber?: string; phoneNumber?: string; countryCode?: string } }
      try {
        res = await cloud.openapi.phonenumber.getPhoneNumber({ code: event.wxCode })
      } catch (err) {
        const e = err as { errCode?: number; errMsg?: string }
        // 40029: invalid code; 40013 / 41001...: a code from another app or already used
        if (typeof e.errCode === 'number' && e.errCode > 0) throw new AppError('PHONE_CODE_INVALID', '手机号授权已失效，请重新点击获取手机号')
        throw err
      }
      const phone = res.phoneInfo?.purePhoneNumber
      const country = res.phoneInfo?.countryCode
      if (!phone || (country && country !== '86') || !phoneNumber.safeParse(phone).success) {
        throw new AppError('FAILED_PRECONDITION', '目前仅支持中国大陆手机号')
      }
      return { member: toProfile(await withPendingOrders(await bindPhoneTo(openid, phone, ctx.now, false), ctx.now)) }
    },

    async bindPhoneBySms(event, ctx) {
      const openid = requireUser(ctx)
      // before an attempt is used up: refused, the same code can be sent again after agreeing
      await consentingMember(openid)
      const invalid = () => new AppError('PHONE_CODE_INVALID', '验证码错误或已过期，请重新获取')
      // every check uses up one attempt, atomically: at most PHONE_CODE_MAX_ATTEMPTS guesses per code
      const { stats } = await phoneCodes.where({ _id: openid, phone: event.phone, attempts: _.lt(PHONE_CODE_MAX_ATTEMPTS), expiresAt: _.gt(ctx.now) }).update({ data: { attempts: _.inc(1) } })
      if (!stats.updated) throw invalid()
      const stored = await findById<{ codeHash: string; phone: string }>(phoneCodes, openid)
      if (!stored || stored.phone !== event.phone || stored.codeHash !== codeHash(openid, event.phone, event.smsCode)) throw invalid()
      return { member: toProfile(await withPendingOrders(await bindPhoneTo(openid, event.phone, ctx.now, true), ctx.now)) }
    },
  },
  async (_action, ctx) => requireUser(ctx),
)

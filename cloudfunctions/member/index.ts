/** `member`: what a consumer does from the mini-program. Identity is the context OPENID, never the event. */
import { randomInt } from 'crypto'
import { sha256 } from 'js-sha256'
import type { CouponDoc } from '../../types/coupons'
import { MemberEvents, phoneNumber, type Member } from '../../types/member'
import { AppError } from '../../types/result'
import { toCouponView } from '../../domain/coupons'
import { memberNoFrom, newMember, profileChanges, toProfile } from '../../domain/member'
import { CODE_STEP_SECONDS, deriveMemberKey } from '../../domain/member-code'
import { expireDue, expiringSoon } from '../../domain/points'
import { growthInWindow, tierProgress } from '../../domain/tiers'
import { linkInviter } from '../shared/referrals'
import { loadRules, POINT_RULES, TIER_LADDER } from '../shared/rules'
import type { ErasedImportDoc, MemberImportDoc } from '../../types/import'
import { erasedImportId, planClaim } from '../../domain/import'
import { callerRoles } from '../shared/access'
import { wholeFields } from '../shared/activity'
import { auditIn } from '../shared/audit'
import { cloud, db, _ } from '../shared/cloud'
import { defineFunction, requireUser } from '../shared/handler'
import { deletedError, isDeleted, ledgerOf, loadMember, memberById, members, parseMember, toLedgerItem } from '../shared/members'
import { creditPendingOrders, eraseOrderRefs, ordersOf, pendingKeysOf } from '../shared/orders'
import { findById, readAll } from '../shared/query'
import type { Doc, Transaction } from '../shared/sdk-types'
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

const phoneCodes = db.collection('phone_codes')

export const PHONE_CODE_TTL_SECONDS = 5 * 60
export const PHONE_CODE_RESEND_SECONDS = 60
export const PHONE_CODE_MAX_ATTEMPTS = 5
export const DELETED_NICKNAME = '已注销用户'

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
    const doc = await getInTransaction<Doc>(t, 'members', openid)
    if (!doc) throw new AppError('NOT_FOUND', '会员不存在，请先登录')
    const member = parseMember(doc)
    if (isDeleted(member)) throw deletedError()
    const claim = await getInTransaction<{ memberId: string }>(t, 'member_phones', phone)
    if (claim && claim.memberId !== openid) throw new AppError('ALREADY_EXISTS', '该手机号已绑定其他会员')
    if (consumeSmsCode) await t.collection('phone_codes').doc(openid).remove()
    if (member.phone === phone && claim) return claimImportIn(t, member, phone, now)
    if (member.phone && member.phone !== phone) {
      const old = await getInTransaction<{ memberId: string }>(t, 'member_phones', member.phone)
      if (old?.memberId === openid) await t.collection('member_phones').doc(member.phone).remove()
    }
    if (!claim) await t.collection('member_phones').add({ data: { _id: phone, memberId: openid, boundAt: now } })
    await t.collection('members').doc(openid).update({ data: { phone, updatedAt: now } })
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
  const record = await getInTransaction<MemberImportDoc>(t, 'member_imports', phone)
  if (!record || record.status !== 'pending') return member
  const [{ rules: pointRules }, { rules: ladder }] = await Promise.all([loadRules(POINT_RULES), loadRules(TIER_LADDER)])
  const plan = planClaim(member, record, { now, expiryMonths: pointRules.expiryMonths, ladder, via: 'bind' })
  // always written (at least updatedAt): a racing deleteMyAccount, which writes the member too, then conflicts
  // with this claim, so the deletion finds the claimed record when it runs again (or the bind sees the account gone)
  await t.collection('members').doc(member._id).update({ data: wholeFields({ ...plan.memberPatch, updatedAt: now }) })
  if (plan.change.entries.length) await applyWalletChange(t, member, plan.change, { now, operator: member._id })
  await t.collection('member_imports').doc(phone).update({ data: plan.recordPatch })
  await auditIn(t, { actor: member._id, action: 'claimImportedMember', target: member._id, before: { points: member.points }, after: { points: plan.change.wallet.points, importId: record.importId, externalId: record.externalId }, at: now })
  return { ...member, ...plan.memberPatch, ...plan.change.wallet, updatedAt: now }
}

export const main = defineFunction(MemberEvents, {
  ...checkinActions,
  ...couponActions,
  ...taskActions,
  ...trackActions,
  ...reminderActions,
  ...recommendActions,
  ...npsActions,
  ...purchaseActions,

  async login(event, ctx) {
    const openid = requireUser(ctx)
    // the caller's roles (管理 on the home page) are read alongside the member
    const [existing, roles] = await Promise.all([findById(members, openid), callerRoles(openid)])
    if (existing) {
      if (isDeleted(existing)) throw deletedError()
      const patch: Record<string, unknown> = { lastLoginAt: ctx.now }
      // members signed up before member numbers existed get one now
      if (!existing.memberNo) patch.memberNo = await freeMemberNo()
      await members.doc(openid).update({ data: patch })
      return { member: toProfile(parseMember({ ...existing, ...patch })), created: false, roles }
    }
    const member = newMember(openid, await freeMemberNo(), ctx.now)
    try {
      // _id is the OPENID: two first sign-ins racing create one member, the loser reads it
      await members.add({ data: member })
      // only a member created by this call can be linked to an inviter
      if (event.inviteCode) await linkInviter(null, member, event.inviteCode, ctx.now)
      await issueWelcomeCoupons(member, ctx.now)
      return { member: toProfile(member), created: true, roles }
    } catch (err) {
      if (!isDuplicateKey(err)) throw err
      return { member: toProfile(await loadMember(openid)), created: false, roles }
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
    const member = await loadMember(requireUser(ctx))
    const changes = profileChanges(member, event.patch, ctx.now)
    if (Object.keys(changes).length === 0) return { member: toProfile(member) }
    const updated = { ...member, ...changes, updatedAt: ctx.now }
    await members.doc(member._id).update({ data: { ...changes, updatedAt: ctx.now } })
    return { member: toProfile(updated) }
  },

  async getPoints(_event, ctx) {
    let member = await loadMember(requireUser(ctx))
    // expire what is due now rather than show points that can no longer be spent (the daily job
    // does the same; ledger ids make the two agree)
    if (member.pointBatches.some(b => b.expiresAt <= ctx.now)) {
      member = await transact(async t => {
        const doc = await getInTransaction<Doc>(t, 'members', member._id)
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
    const { data } = await ledgerOf(member._id).skip(event.offset).limit(event.limit + 1).get()
    return { items: data.slice(0, event.limit).map(toLedgerItem), hasMore: data.length > event.limit }
  },

  async getCodeKey(_event, ctx) {
    const member = await loadMember(requireUser(ctx))
    const secret = process.env.MEMBER_CODE_SECRET
    if (!secret) {
      console.error('[member] MEMBER_CODE_SECRET is not set: add it to the environment variables of the member and staff functions')
      throw new AppError('INTERNAL', '会员码服务未配置，请联系管理员')
    }
    return { memberNo: member.memberNo, key: deriveMemberKey(secret, member.memberNo, member.codeKeyVersion), keyVersion: member.codeKeyVersion, stepSeconds: CODE_STEP_SECONDS, serverTime: ctx.now.toISOString() }
  },

  async requestPhoneCode(event, ctx) {
    const openid = requireUser(ctx)
    const member = await loadMember(openid)
    if (!onEmulator()) {
      // no SMS provider is wired up: on WeChat the phone comes from the getPhoneNumber button (bindPhone)
      throw new AppError('FAILED_PRECONDITION', '短信验证码仅在本地演示环境可用，请使用微信手机号快速验证')
    }
    if (member.phone === event.phone) throw new AppError('FAILED_PRECONDITION', '已绑定该手机号')
    const code = String(randomInt(0, 1_000_000)).padStart(6, '0')
    await transact(async t => {
      const prev = await getInTransaction<{ sentAt: Date }>(t, 'phone_codes', openid)
      const wait = prev ? Math.ceil(PHONE_CODE_RESEND_SECONDS - (ctx.now.getTime() - new Date(prev.sentAt).getTime()) / 1000) : 0
      if (wait > 0) throw new AppError('FAILED_PRECONDITION', `验证码发送太频繁，请 ${wait} 秒后再试`)
      await t.collection('phone_codes').doc(openid).set({
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
    await loadMember(openid)
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
    await loadMember(openid)
    const invalid = () => new AppError('PHONE_CODE_INVALID', '验证码错误或已过期，请重新获取')
    // every check uses up one attempt, atomically: at most PHONE_CODE_MAX_ATTEMPTS guesses per code
    const { stats } = await phoneCodes
      .where({ _id: openid, phone: event.phone, attempts: _.lt(PHONE_CODE_MAX_ATTEMPTS), expiresAt: _.gt(ctx.now) })
      .update({ data: { attempts: _.inc(1) } })
    if (!stats.updated) throw invalid()
    const stored = await findById<{ codeHash: string; phone: string }>(phoneCodes, openid)
    if (!stored || stored.phone !== event.phone || stored.codeHash !== codeHash(openid, event.phone, event.smsCode)) throw invalid()
    return { member: toProfile(await withPendingOrders(await bindPhoneTo(openid, event.phone, ctx.now, true), ctx.now)) }
  },

  async exportMyData(_event, ctx) {
    const openid = requireUser(ctx)
    const member = await loadMember(openid)
    const mine = (collection: string, order: string) => readAll(db.collection(collection).where({ memberId: openid }).orderBy(order, 'desc'))
    const [ledger, purchases, refunds, staff, coupons, checkins, orders] = await Promise.all([
      readAll(ledgerOf(openid)),
      mine('purchases', 'createdAt'),
      mine('refunds', 'createdAt'),
      findById(db.collection('staff'), openid),
      mine('coupons', 'issuedAt'),
      mine('checkins', 'day'),
      ordersOf(openid),
    ])
    // what the member's records say about other people (the staff who served them) is not theirs to export
    const withoutStaff = ({ staffOpenid: _staff, ...rest }: Doc) => rest
    return {
      exportedAt: ctx.now.toISOString(),
      member: toProfile(member),
      pointBatches: member.pointBatches.map(b => ({ batchId: b.batchId, earnedAt: b.earnedAt.toISOString(), expiresAt: b.expiresAt.toISOString(), remaining: b.remaining, sourceType: b.sourceType })),
      ledger: ledger.map(toLedgerItem),
      purchases: purchases.map(withoutStaff),
      refunds: refunds.map(withoutStaff),
      staff: staff ? { storeId: staff.storeId, name: staff.name, active: staff.active } : null,
      coupons: coupons.map(c => toCouponView(c as CouponDoc, ctx.now)),
      checkins: checkins.map(({ _id, memberId: _m, ...rest }) => rest),
      /** orders a POS, a shop or a history import sent for this member */
      orders,
    }
  },

  /**
   * Erases personal data (nickname, avatar, birthday, gender, phone, pending phone codes, a staff
   * role's name, the imports this member claimed) and marks the member `deleted`; the points wallet,
   * ledger and purchase rows stay, keyed by the member id, so every total stays true. Sign-in is
   * refused afterwards. A claimed import `member_imports/<phone>` is replaced by a tombstone without
   * personal data (keyed by a hash of the phone), so importing that phone again cannot pay the
   * opening balance a second time.
   */
  async deleteMyAccount(_event, ctx) {
    const openid = requireUser(ctx)
    const { avatar, orderKeys } = await transact(async t => {
      const doc = await getInTransaction<Doc>(t, 'members', openid)
      if (!doc) throw new AppError('NOT_FOUND', '会员不存在')
      const member = parseMember(doc)
      if (isDeleted(member)) throw deletedError()
      // the imports this member claimed (the phone may have changed since): found by a query, which
      // is not part of the transaction, so each is read again inside it. A claim (bind or import)
      // committed meanwhile wrote this member's doc too, so this transaction then conflicts and runs
      // again, query included.
      const { data: claimedRefs } = await db.collection('member_imports').where({ memberId: openid }).field({ _id: true }).limit(100).get()
      const erased: string[] = []
      const orderKeys = member.phone ? [`phone:${member.phone}`] : []
      for (const phone of new Set(claimedRefs.map(r => String(r._id)))) {
        const record = await getInTransaction<MemberImportDoc>(t, 'member_imports', phone)
        if (record?.status !== 'claimed' || record.memberId !== openid) continue
        await t.collection('member_imports').doc(phone).remove()
        const tombstone: Omit<ErasedImportDoc, '_id'> = { status: 'erased', claimed: true, erasedAt: ctx.now }
        await t.collection('member_imports').doc(erasedImportId(phone)).set({ data: tombstone })
        erased.push(phone)
        if (record.externalId) orderKeys.push(`ext:${record.externalId}`)
      }
      await t.collection('members').doc(openid).update({
        data: {
          nickname: DELETED_NICKNAME,
          avatarFileId: null,
          birthday: null,
          gender: 'unknown',
          phone: null,
          status: 'deleted',
          deletedAt: ctx.now,
          updatedAt: ctx.now,
          // any code key on a device stops working
          codeKeyVersion: member.codeKeyVersion + 1,
        },
      })
      if (member.phone) {
        const claim = await getInTransaction<{ memberId: string }>(t, 'member_phones', member.phone)
        if (claim?.memberId === openid) await t.collection('member_phones').doc(member.phone).remove()
      }
      if (await getInTransaction(t, 'phone_codes', openid)) await t.collection('phone_codes').doc(openid).remove()
      const staff = await getInTransaction<Doc>(t, 'staff', openid)
      if (staff) await t.collection('staff').doc(openid).update({ data: { active: false, name: DELETED_NICKNAME, updatedAt: ctx.now } })
      await auditIn(t, { actor: openid, action: 'deleteMyAccount', target: openid, after: { erasedImports: erased.length }, at: ctx.now })
      return { avatar: member.avatarFileId, orderKeys }
    })
    // after the account is gone (a retry finds nothing left to erase): orders forget who they were for
    await eraseOrderRefs(openid, orderKeys, ctx.now)
    if (avatar) {
      try {
        await cloud.deleteFile({ fileList: [avatar] })
      } catch (err) {
        console.error('[member] could not delete the avatar of a deleted account', avatar, err)
      }
    }
    return { deleted: true as const }
  },
}, async (_action, ctx) => requireUser(ctx))

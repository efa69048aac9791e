/**
 * The console's 会员 screens: search, the member 360, 显示 the phone. Brand admins (and the console)
 * see every member; a store manager only members with at least one purchase in their store — any
 * other member is NOT_FOUND (never PERMISSION_DENIED: whether the member exists is not revealed), and
 * in the 360 the purchases, NPS answers, follow-ups and audit rows are their store's only.
 */
import { signupOf } from './attribution'
import { careTasksOf } from './care'
import { wecomLinkOf } from './wecom'
import type { AdminActions } from './actions'
import type { Member360, MemberRow, OperatorScope } from '../../types/console'
import type { Member } from '../../types/member'
import type { TierLadder } from '../../types/tiers'
import { AppError } from '../../types/result'
import { toCouponView } from '../../domain/coupons'
import { maskPhone } from '../../domain/member'
import { availablePoints, expiringSoon } from '../../domain/points'
import { effectiveTierId, growthInWindow, tierProgress } from '../../domain/tiers'
import { requireOperator } from '../shared/access'
import { actorOf, audit } from '../shared/audit'
import { db, _ } from '../shared/cloud'
import { auditLog, auditRow } from '../shared/collections/audit_log'
import { coupons as couponRows } from '../shared/collections/coupons'
import { followUps as followUpRows } from '../shared/collections/follow_ups'
import { memberPhones } from '../shared/collections/member_phones'
import { npsResponses } from '../shared/collections/nps_responses'
import { purchases as purchaseRows } from '../shared/collections/purchases'
import { remindersLog } from '../shared/collections/reminders_log'
import { isDeleted, ledgerOf, memberById, memberByNo, members, parseMember, toLedgerItem } from '../shared/members'
import { myPurchaseViews } from '../shared/purchase-views'
import { findById } from '../shared/query'
import { loadRules, TIER_LADDER } from '../shared/rules'

const SEARCH_MAX = 20
const LIST_MAX = 20

const iso = (d: unknown): string | null => (d ? new Date(d as string).toISOString() : null)
const storeOf = (scope: OperatorScope) => (scope.kind === 'store' ? scope.storeId : null)

/** The text as a literal inside a regular expression. */
function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

/** Did the member buy in the store at least once (index memberId_storeId_createdAt)? */
async function boughtIn(memberId: string, storeId: string): Promise<boolean> {
  const { data } = await purchaseRows.where({ memberId, storeId }).limit(1).field({ _id: true }).get()
  return data.length > 0
}

/** The member the operator may see, else null (absent, deleted, or — for a manager — never bought in their store). */
async function visible(scope: OperatorScope, member: Member | null): Promise<Member | null> {
  if (!member || isDeleted(member)) return null
  if (scope.kind === 'store' && !(await boughtIn(member._id, scope.storeId))) return null
  return member
}

async function memberFor(scope: OperatorScope, memberNo: string): Promise<Member> {
  const member = await visible(scope, await memberByNo(memberNo))
  if (!member) throw new AppError('NOT_FOUND', `没有会员号为 ${memberNo} 的会员`)
  return member
}

function tierNameOf(member: Member, ladder: TierLadder, now: Date): string {
  const id = effectiveTierId(member.tier, ladder, now)
  return ladder.tiers.find(t => t.tierId === id)?.name ?? id
}

/** The admin's manual tier while it is in force (no end, or until a later instant). */
function manualTierOf(member: Member, ladder: TierLadder, now: Date): Member360['tierManual'] {
  const manual = member.tier?.manual
  if (!manual || (manual.until && manual.until <= now)) return null
  return { tierId: manual.tierId, tierName: ladder.tiers.find(t => t.tierId === manual.tierId)?.name ?? manual.tierId, mode: manual.mode, until: iso(manual.until), reason: manual.reason }
}

function memberRow(member: Member, ladder: TierLadder, now: Date): MemberRow {
  return {
    memberNo: member.memberNo,
    nickname: member.nickname,
    maskedPhone: maskPhone(member.phone),
    tierName: tierNameOf(member, ladder, now),
    stage: member.stage,
    points: member.points,
    lastPurchaseAt: iso(member.stats.lastPurchaseAt),
  }
}

/** Candidates for a query: an 11-digit phone (exact), a 10-digit member number (exact), else a nickname prefix. */
async function candidates(query: string): Promise<Member[]> {
  if (/^\d{11}$/.test(query)) {
    const claim = await findById(memberPhones, query)
    const m = claim ? await memberById(claim.memberId) : null
    return m ? [m] : []
  }
  if (/^\d{10}$/.test(query)) {
    const m = await memberByNo(query)
    return m ? [m] : []
  }
  const { data } = await members
    .where({ nickname: db.RegExp({ regexp: '^' + escapeRegExp(query) }) })
    .limit(SEARCH_MAX)
    .get()
  return data.map(parseMember)
}

export const consoleMemberActions: Pick<AdminActions, 'searchMembers' | 'member360' | 'revealPhone'> = {
  async searchMembers(event, ctx) {
    const scope = await requireOperator(ctx)
    const [found, { rules: ladder }] = await Promise.all([candidates(event.query), loadRules(TIER_LADDER)])
    const shown = (await Promise.all(found.map(m => visible(scope, m)))).filter((m): m is Member => m !== null)
    return { members: shown.slice(0, SEARCH_MAX).map(m => memberRow(m, ladder, ctx.now)) }
  },

  async member360(event, ctx): Promise<Member360> {
    const scope = await requireOperator(ctx)
    const member = await memberFor(scope, event.memberNo)
    const storeId = storeOf(scope)
    // a manager: their store's purchases, answers, follow-ups and audit rows only
    const inStore = storeId ? { storeId } : {}
    const [{ rules: ladder }, ledger, coupons, purchases, reminders, nps, followUps, auditRows, wecom, signup, careTasks] = await Promise.all([
      loadRules(TIER_LADDER),
      ledgerOf(member._id).limit(LIST_MAX).get(),
      couponRows.where({ memberId: member._id }).orderBy('issuedAt', 'desc').limit(LIST_MAX).get(),
      purchaseRows
        .where({ memberId: member._id, ...inStore })
        .orderBy('createdAt', 'desc')
        .limit(LIST_MAX)
        .get(),
      remindersLog.where({ memberId: member._id }).orderBy('sentAt', 'desc').limit(LIST_MAX).get(),
      npsResponses
        .where({ memberId: member._id, dismissed: false, ...inStore })
        .orderBy('at', 'desc')
        .limit(LIST_MAX)
        .get(),
      followUpRows
        .where({ memberId: member._id, ...inStore })
        .orderBy('createdAt', 'desc')
        .limit(LIST_MAX)
        .get(),
      auditLog
        .where({ target: _.in([member._id, member.memberNo]), ...inStore })
        .orderBy('at', 'desc')
        .limit(LIST_MAX)
        .get(),
      wecomLinkOf(member._id),
      signupOf(member._id),
      careTasksOf(member._id, storeId, LIST_MAX),
    ])
    const brand = scope.kind === 'brand'
    const stats = member.stats
    return {
      member: {
        ...memberRow(member, ladder, ctx.now),
        avatarFileId: member.avatarFileId,
        hasPhone: !!member.phone,
        birthday: member.birthday,
        gender: member.gender,
        createdAt: member.createdAt.toISOString(),
        valueLayer: member.valueLayer,
      },
      tier: tierProgress(member.tier, ladder, growthInWindow(member.growth, ladder, ctx.now), ctx.now),
      tierManual: manualTierOf(member, ladder, ctx.now),
      rfm: member.rfm,
      tags: member.tags,
      manualTags: member.manualTags,
      churn: member.churn
        ? {
            risk: member.churn.risk,
            reasons: member.churn.reasons,
            expectedPurchases: member.churn.expectedPurchases,
            predictedValueFen: member.churn.clvFen,
            scoredAt: member.churn.scoredAt.toISOString(),
          }
        : null,
      stats: { purchases: stats.purchases, spendFen: stats.spendFen, firstPurchaseAt: iso(stats.firstPurchaseAt), lastPurchaseAt: iso(stats.lastPurchaseAt) },
      points: { balance: availablePoints(member, ctx.now), expiring: expiringSoon(member, ctx.now) },
      ledger: ledger.data.map(toLedgerItem),
      coupons: coupons.data.map(c => toCouponView(c, ctx.now)),
      purchases: await myPurchaseViews(purchases.data),
      reminders: reminders.data.map(r => ({ kind: String(r.kind), status: String(r.status), at: new Date(r.sentAt).toISOString() })),
      nps: nps.data.map(r => ({ score: Number(r.score), comment: r.comment ? String(r.comment) : null, storeId: r.storeId ? String(r.storeId) : null, at: new Date(r.at).toISOString() })),
      followUps: followUps.data.map(r => ({ status: String(r.status), note: r.note ? String(r.note) : null, storeId: r.storeId ? String(r.storeId) : null, at: new Date(r.createdAt).toISOString() })),
      audit: auditRows.data.map(auditRow),
      // a store manager reads, and may 显示 the phone of their store's members (audited) to call them back
      can: { adjustPoints: brand, tag: brand, tierFloor: brand, issueCoupon: brand, revealPhone: true },
      wecom,
      signup,
      careTasks,
    }
  },

  async revealPhone(event, ctx) {
    const scope = await requireOperator(ctx)
    const member = await memberFor(scope, event.memberNo)
    if (!member.phone) throw new AppError('NOT_FOUND', '该会员未绑定手机号')
    await audit({ actor: actorOf(ctx), action: 'revealPhone', target: member.memberNo, after: { reason: event.reason }, ...(scope.kind === 'store' ? { storeId: scope.storeId } : {}), at: ctx.now })
    return { phone: member.phone }
  },
}

/**
 * `staff`: the till, from the staff sub-package of the mini-program. Every action first checks that
 * the caller's OPENID is an active row in `staff`; the store comes from that row, never the event.
 */
import type { Member } from '../../types/member'
import { AppError } from '../../types/result'
import { StaffEvents, type StaffEvent } from '../../types/staff'
import type { StaffFunctionOutputs } from './actions'
import { maskPhone } from '../../domain/member'
import { shanghaiDay, shanghaiDayStart } from '../../domain/time'
import { audit, auditIn } from '../shared/audit'
import { _ } from '../shared/cloud'
import type { CollectionHandle } from '../shared/collection'
import { codeUses } from '../shared/collections/code_uses'
import { writeOffIdIn } from '../shared/collections/coupon_writeoffs'
import { memberPhones } from '../shared/collections/member_phones'
import { findMemberIn } from '../shared/collections/members'
import { purchases, purchaseView, tillPurchaseId, type PurchaseDoc } from '../shared/collections/purchases'
import { refunds, tillRefundId, type RefundDoc } from '../shared/collections/refunds'
import { stores } from '../shared/collections/stores'
import { defineFunction } from '../shared/handler'
import { isDeleted, memberById, memberByNo } from '../shared/members'
import { findById } from '../shared/query'
import { LIFECYCLE, loadRulesCached, POINT_RULES, TIER_LADDER } from '../shared/rules'
import { getInTransaction, transact } from '../shared/transaction'
import { insertOnce } from '../shared/insert-once'
import { staffCouponActions } from './coupons'
import { couponsByCode, writeOffIn } from '../shared/coupons'
import { creditPurchaseIn, refundPurchaseIn } from '../shared/purchases'
import { atTill, memberForCode, requireStaff, type StaffRow } from './till'
import { staffNpsActions } from './nps'
import { staffCatalogActions } from './catalog'
import { staffWecomActions } from './wecom'
import { staffCareActions } from './care'

type PurchaseEvent = Extract<StaffEvent, { action: 'recordPurchase' }>

/** The member a purchase is for: by a scanned code (to be consumed with the purchase) or by member number. */
async function tillMember(ref: PurchaseEvent['member'], now: Date, staffId: string): Promise<{ member: Member; codeUse: { id: string; step: number } | null }> {
  if ('code' in ref) {
    const found = await memberForCode(ref.code, now, staffId)
    return { member: found.member, codeUse: { id: found.useId, step: found.step } }
  }
  const found = await memberByNo(ref.memberNo)
  if (!found || isDeleted(found)) throw new AppError('NOT_FOUND', `会员不存在：${ref.memberNo}`)
  return { member: found, codeUse: null }
}
type RefundEvent = Extract<StaffEvent, { action: 'refundPurchase' }>

const memberNoOf = (m: PurchaseEvent['member']) => ('code' in m ? m.code.slice(0, 10) : m.memberNo)

/** The first call's answer again; a requestId reused for a different purchase is refused. */
function purchaseReplay(p: PurchaseDoc, event: PurchaseEvent) {
  const sameCoupons = (p.couponCodes ?? []).join() === (event.couponCodes ?? []).join()
  const sameLines = JSON.stringify(p.lines ?? []) === JSON.stringify(event.lines ?? [])
  if ((p.orderFen ?? p.amountFen) !== event.amountFen || p.memberNo !== memberNoOf(event.member) || !sameCoupons || !sameLines) {
    throw new AppError('FAILED_PRECONDITION', 'requestId 已用于另一笔消费，请换一个 requestId')
  }
  return { purchase: purchaseView(p), pointsEarned: p.pointsEarned, balance: p.balanceAfter, replayed: true }
}

function refundReplay(r: RefundDoc, event: RefundEvent) {
  if (r.purchaseId !== event.purchaseId || (event.amountFen !== undefined && event.amountFen !== r.amountFen)) {
    throw new AppError('FAILED_PRECONDITION', 'requestId 已用于另一笔退款，请换一个 requestId')
  }
  return { purchase: r.purchaseAfter, pointsReversed: r.pointsReversed, shortfall: r.shortfall, balance: r.balanceAfter, replayed: true }
}

/**
 * One purchase, without looking for a replay first (the caller does, when this fails): the code use
 * and the purchase are inserted under derived ids, so a repeat fails on them instead of costing a read.
 */
async function recordPurchaseOnce(event: PurchaseEvent, now: Date, staff: StaffRow, purchaseId: string) {
  // the cashier waits: the member and the rules are read at once
  const [{ member, codeUse }, [{ rules }, { rules: ladder }, { rules: lifecycle }]] = await Promise.all([
    tillMember(event.member, now, staff._id),
    Promise.all([loadRulesCached(POINT_RULES), loadRulesCached(TIER_LADDER), loadRulesCached(LIFECYCLE)]),
  ])
  if (member._id === staff._id) throw new AppError('PERMISSION_DENIED', '店员不能为自己记录消费')
  const couponIds = (await couponsByCode(member._id, event.couponCodes ?? [])).map(c => c._id)

  return transact(async t => {
    if (codeUse) {
      const use = { _id: codeUse.id, memberNo: member.memberNo, step: codeUse.step, purchaseId, staffOpenid: staff._id, storeId: staff.storeId, usedAt: now }
      await insertOnce(t, codeUses, use, () => new AppError('MEMBER_CODE_USED', '该会员码已使用，请顾客刷新后重新出示'))
    }
    const fresh = await findMemberIn(t, member._id)
    if (!fresh || isDeleted(fresh)) throw new AppError('NOT_FOUND', '会员不存在')
    const { discountFen } = couponIds.length
      ? await writeOffIn(t, {
          couponIds,
          memberId: fresh._id,
          staff,
          orderFen: event.amountFen,
          purchaseId,
          requestId: event.requestId,
          now,
          writeOffIdOf: id => writeOffIdIn(purchaseId, id),
        })
      : { discountFen: 0 }
    const {
      purchase,
      pointsEarned: points,
      balance,
      upgradedTo,
    } = await creditPurchaseIn(t, {
      purchaseId,
      requestId: event.requestId,
      storeId: staff.storeId,
      actor: staff._id,
      member: fresh,
      orderFen: event.amountFen,
      discountFen,
      couponCodes: event.couponCodes ?? [],
      lines: event.lines ?? [],
      at: now,
      now,
      rules: { points: rules, ladder, lifecycle },
      awardPoints: true,
      history: false,
      onDuplicate: () => new AppError('ALREADY_EXISTS', '该笔消费已记录'),
    })
    await auditIn(t, {
      actor: staff._id,
      action: 'recordPurchase',
      target: purchaseId,
      after: { memberNo: fresh.memberNo, orderFen: event.amountFen, discountFen, amountFen: purchase.amountFen, pointsEarned: points, via: codeUse ? 'code' : 'memberNo' },
      storeId: staff.storeId,
      at: now,
    })
    return { purchase: purchaseView(purchase), pointsEarned: points, balance, replayed: false, ...(upgradedTo ? { upgradedTo: { tierId: upgradedTo.tierId, name: upgradedTo.name } } : {}) }
  })
}

export const main = defineFunction<StaffEvent, StaffFunctionOutputs>(
  StaffEvents,
  {
    ...staffCouponActions,
    ...staffNpsActions,
    ...staffCatalogActions,
    ...staffWecomActions,
    ...staffCareActions,

    async me(_event, ctx) {
      const staff = await requireStaff(ctx)
      const store = await findById(stores, staff.storeId)
      return { name: staff.name, storeId: staff.storeId, storeName: store?.name ?? staff.storeId }
    },

    async verifyCode(event, ctx) {
      const staff = await requireStaff(ctx)
      const { member, useId } = await memberForCode(event.code, ctx.now, staff._id)
      if (await findById(codeUses, useId)) throw new AppError('MEMBER_CODE_USED', '该会员码已使用，请顾客刷新后重新出示')
      return { member: await atTill(member, ctx.now) }
    },

    async findMemberByPhone(event, ctx) {
      const staff = await requireStaff(ctx)
      const claim = await findById(memberPhones, event.phone)
      const member = claim ? await memberById(claim.memberId) : null
      if (!member || isDeleted(member)) throw new AppError('NOT_FOUND', '没有绑定该手机号的会员')
      // looking people up by phone is recorded: who looked up whom, when
      await audit({ actor: staff._id, action: 'findMemberByPhone', target: member.memberNo, after: { phone: maskPhone(event.phone) }, storeId: staff.storeId, at: ctx.now })
      return { member: await atTill(member, ctx.now) }
    },

    /**
     * Idempotent per (staff, requestId): the purchase `_id` is derived from both, so a repeat finds the
     * first purchase (or, racing it, conflicts and then finds it) and answers its result again.
     * A scanned code is consumed in the same transaction (`code_uses/<memberNo>-<step>`).
     */
    async recordPurchase(event, ctx) {
      const staff = await requireStaff(ctx)
      const purchaseId = tillPurchaseId(staff._id, event.requestId)
      try {
        return await recordPurchaseOnce(event, ctx.now, staff, purchaseId)
      } catch (err) {
        // a repeat (or the loser of a race with the same requestId) fails on what the first call used
        // up (the code, the coupons, the purchase id): it answers the first call's result instead
        if (!(err instanceof AppError)) throw err
        const existing = await findById(purchases, purchaseId)
        if (existing) return purchaseReplay(existing, event)
        throw err
      }
    },

    /** Full or partial refund (shared/purchases.ts), idempotent per (staff, requestId), only in the purchase's own store. */
    async refundPurchase(event, ctx) {
      const staff = await requireStaff(ctx)
      const refundId = tillRefundId(staff._id, event.requestId)
      const prior = await findById(refunds, refundId)
      if (prior) return refundReplay(prior, event)

      return transact(async t => {
        const raced = await getInTransaction(t, refunds, refundId)
        if (raced) return refundReplay(raced, event)
        const { refund } = await refundPurchaseIn(t, {
          refundId,
          requestId: event.requestId,
          purchaseId: event.purchaseId,
          ...(event.amountFen !== undefined ? { amountFen: event.amountFen } : {}),
          reason: event.reason ?? null,
          actor: staff._id,
          mayRefund: p => {
            if (p.storeId !== staff.storeId) throw new AppError('PERMISSION_DENIED', '只能退本门店的消费')
          },
          now: ctx.now,
        })
        return { purchase: refund.purchaseAfter, pointsReversed: refund.pointsReversed, shortfall: refund.shortfall, balance: refund.balanceAfter, replayed: false }
      })
    },

    /** The staff's store today (Shanghai day): purchases, sales, points, refunds, the latest 20 purchases. */
    async today(_event, ctx) {
      const staff = await requireStaff(ctx)
      const start = shanghaiDayStart(ctx.now)
      const inDay = _.gte(start).and(_.lt(new Date(start.getTime() + 86_400_000)))
      const $ = _.aggregate
      const sums = async (collection: CollectionHandle<PurchaseDoc | RefundDoc>, fields: Record<string, unknown>) => {
        const { list } = await collection
          .aggregate()
          .match({ storeId: staff.storeId, createdAt: inDay })
          .group({ _id: null, n: $.sum(1), ...fields })
          .end()
        return (list[0] ?? {}) as Record<string, number>
      }
      const [bought, refunded, recent] = await Promise.all([
        sums(purchases, { sales: $.sum('$amountFen'), points: $.sum('$pointsEarned') }),
        sums(refunds, { amount: $.sum('$amountFen') }),
        purchases.where({ storeId: staff.storeId, createdAt: inDay }).orderBy('createdAt', 'desc').limit(20).get(),
      ])
      return {
        storeId: staff.storeId,
        date: shanghaiDay(ctx.now),
        purchases: bought.n ?? 0,
        salesFen: bought.sales ?? 0,
        pointsAwarded: bought.points ?? 0,
        refunds: refunded.n ?? 0,
        refundedFen: refunded.amount ?? 0,
        recent: recent.data.map(purchaseView),
      }
    },
  },
  (_action, ctx) => requireStaff(ctx),
)

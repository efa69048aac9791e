/**
 * `orders`: orders from a POS, an online shop (the `orders` function) or a history import
 * (`admin.importOrders`). `_id` is derived from (source, orderId), so a resend finds the first
 * receipt: the same content answers its result again, other content is IDEMPOTENCY_MISMATCH.
 *
 * An order for a member is credited at once: a `purchases` row (its time is the order's), points by
 * the rules of that time, stats, growth and tier (shared/purchases.ts). An order for a phone or an
 * external id that is no member yet is kept `pending` under `pendingKey` and credited when that phone
 * binds or that import is claimed. Neither side can miss the other: the order is written and then
 * its member looked up again; the binding is committed and then the pending orders looked up. Both
 * may find it; the crediting transaction re-reads the order, so only one credits.
 */
import type { LifecycleConfig } from '../../types/analytics'
import type { Member } from '../../types/member'
import { ORDER_CLOCK_SKEW_MS, type Order, type OrderMember, type OrderRefund, type OrderRefundResult, type OrderResult } from '../../types/orders'
import type { PointRules } from '../../types/points'
import { AppError } from '../../types/result'
import type { TierLadder } from '../../types/tiers'
import { orderHash, orderLines, pendingKeyOf } from '../../domain/orders'
import { shanghaiDay } from '../../domain/time'
import { _ } from './cloud'
import { markRollupDaysStale } from './collections/jobs'
import { memberImports } from './collections/member_imports'
import { memberPhones } from './collections/member_phones'
import { orders, orderDocId, type OrderDoc, type PendingRefund } from './collections/orders'
import { orderPurchaseId } from './collections/purchases'
import { orderRefundId, refunds, type RefundDoc } from './collections/refunds'
import { writeOffIdIn } from './collections/coupon_writeoffs'
import { couponsByCode, writeOffIn } from './coupons'
import { findMemberIn, isDeleted, memberById, memberByNo } from './collections/members'
import { ensureProducts } from './products'
import { creditPurchaseIn, refundPurchaseIn, type PurchaseDoc } from './purchases'
import { findById, readAll } from './query'
import { LIFECYCLE, loadRules, POINT_RULES, TIER_LADDER } from './rules'
import type { Transaction } from './sdk-types'
import { getInTransaction, isDuplicateKey, transact } from './transaction'

export { orders, orderDocId, type OrderDoc, type PendingRefund } from './collections/orders'
export { orderPurchaseId } from './collections/purchases'
export { orderRefundId } from './collections/refunds'

/** Orders without a store (an online shop) count for a store named after their source. */
const storeOf = (order: Pick<Order, 'storeId' | 'source'>) => order.storeId ?? order.source

export function orderResult(doc: OrderDoc, replayed: boolean): OrderResult {
  return {
    source: doc.source,
    orderId: doc.orderId,
    status: doc.status,
    memberNo: doc.memberNo,
    purchaseId: doc.purchaseId,
    pointsEarned: doc.pointsEarned,
    balance: doc.balance,
    replayed,
  }
}

/** The first receipt's answer again (with the order's state now), or the mismatch. */
function replay(doc: OrderDoc, hash: string): OrderResult {
  if (doc.contentHash !== hash) throw new AppError('IDEMPOTENCY_MISMATCH', `订单 ${doc.orderId} 已用不同内容提交过：同一 source 与 orderId 只能对应同一笔订单`)
  return orderResult(doc, true)
}

/** The member behind a pending key now: a bound phone, or a claimed import. */
export async function memberForKey(key: string): Promise<Member | null> {
  let memberId: string | null = null
  if (key.startsWith('phone:')) memberId = (await findById(memberPhones, key.slice(6)))?.memberId ?? null
  else if (key.startsWith('ext:')) {
    const { data } = await memberImports
      .where({ externalId: key.slice(4) })
      .limit(1)
      .get()
    memberId = data[0]?.status === 'claimed' ? data[0].memberId : null
  }
  const member = memberId ? await memberById(memberId) : null
  return member && !isDeleted(member) ? member : null
}

export async function memberFor(ref: OrderMember): Promise<Member | null> {
  if ('memberNo' in ref) {
    const member = await memberByNo(ref.memberNo)
    if (!member || isDeleted(member)) throw new AppError('NOT_FOUND', `会员不存在：${ref.memberNo}`)
    return member
  }
  return memberForKey(pendingKeyOf(ref) as string)
}

export interface Receipt {
  via: OrderDoc['via']
  actor: string
  history: boolean
  awardPoints: boolean
  now: Date
}

export type Rules = { points: PointRules; ladder: TierLadder; lifecycle: LifecycleConfig }

export async function currentRules(): Promise<Rules> {
  const [{ rules: points }, { rules: ladder }, { rules: lifecycle }] = await Promise.all([loadRules(POINT_RULES), loadRules(TIER_LADDER), loadRules(LIFECYCLE)])
  return { points, ladder, lifecycle }
}

/** The order's lines as purchase lines, each with its original SKU (for placeholder products). */
export const skuLines = (order: Pick<Order, 'lines'>) => orderLines(order).map((l, i) => ({ ...l, sku: order.lines[i].sku }))

export function checkOrderTime(order: Pick<Order, 'createdAt'>, now: Date): Date {
  const at = new Date(order.createdAt)
  if (at.getTime() > now.getTime() + ORDER_CLOCK_SKEW_MS) {
    throw new AppError('INVALID_ARGUMENT', 'createdAt: 订单时间晚于当前时间', [{ path: 'createdAt', message: '订单时间晚于当前时间' }])
  }
  return at
}

/** What a batch reads once for all its orders (an import): then receiveOrder reads only the member. */
export interface Prepared {
  rules: Rules
  /** the order's receipt, looked up with the batch's */
  existing: OrderDoc | null
  /** ensureProducts ran for the batch's lines */
  productsReady: true
}

/** Receives one order: replays a resend, credits it to its member, or keeps it pending. */
export async function receiveOrder(order: Order, r: Receipt, prepared?: Prepared): Promise<OrderResult> {
  const at = checkOrderTime(order, r.now)
  const hash = orderHash(order)
  const id = orderDocId(order.source, order.orderId)
  const existing = prepared ? prepared.existing : await findById<OrderDoc>(orders, id)
  if (existing) return replay(existing, hash)
  const member = await memberFor(order.member)
  const lines = orderLines(order)
  const rules = prepared?.rules ?? (await Promise.all([currentRules(), ensureProducts(skuLines(order), r.now)]))[0]
  const base: OrderDoc = {
    _id: id,
    source: order.source,
    orderId: order.orderId,
    contentHash: hash,
    via: r.via,
    actor: r.actor,
    history: r.history,
    awardPoints: r.awardPoints,
    orderedAt: at,
    storeId: storeOf(order),
    member: order.member,
    pendingKey: null,
    amountFen: order.amountFen,
    lines,
    couponCodes: order.couponCodes ?? [],
    pointRules: null,
    status: 'pending',
    memberId: null,
    memberNo: null,
    purchaseId: null,
    pointsEarned: 0,
    balance: null,
    pendingRefunds: [],
    receivedAt: r.now,
    creditedAt: null,
    updatedAt: r.now,
  }
  if (member) {
    const { order: credited, replayed } = await creditNew(base, member, rules, r.now)
    return orderResult(credited, replayed)
  }

  if (base.couponCodes.length) throw new AppError('FAILED_PRECONDITION', '订单用了券，但下单人还不是会员：券只能由会员使用')
  const pending: OrderDoc = { ...base, pendingKey: pendingKeyOf(order.member), pointRules: rules.points }
  try {
    await orders.add({ data: pending })
  } catch (err) {
    if (!isDuplicateKey(err)) throw err
    const raced = await findById<OrderDoc>(orders, id)
    if (raced) return replay(raced, hash)
    throw err
  }
  // the phone may have been bound (or the import claimed) while this order was being written
  const now = await memberFor(order.member)
  if (now) return orderResult((await creditPending(id, now._id, r.now, rules)) ?? pending, false)
  return orderResult(pending, false)
}

/**
 * A new order for a known member: coupons, points, analytics, purchase and order in one transaction.
 * `replayed`: a parallel send of the same order committed first (its answer is a resend's, 200).
 */
async function creditNew(base: OrderDoc, member: Member, rules: Rules, now: Date): Promise<{ order: OrderDoc; replayed: boolean }> {
  const couponIds = (await couponsByCode(member._id, base.couponCodes)).map(c => c._id)
  return transact(async t => {
    const raced = await getInTransaction(t, orders, base._id)
    if (raced) {
      replay(raced, base.contentHash)
      return { order: raced, replayed: true }
    }
    const fresh = await memberInTx(t, member._id)
    if (!fresh) throw new AppError('NOT_FOUND', '会员不存在')
    const purchaseId = orderPurchaseId(base.source, base.orderId)
    const { discountFen } = couponIds.length
      ? await writeOffIn(t, {
          couponIds,
          memberId: fresh._id,
          staff: { _id: base.actor, storeId: base.storeId },
          orderFen: base.amountFen,
          purchaseId,
          requestId: base.orderId,
          now,
          writeOffIdOf: id => writeOffIdIn(purchaseId, id),
        })
      : { discountFen: 0 }
    const credited = await credit(t, base, fresh, rules, discountFen, now)
    await orders.in(t).add({ data: credited })
    return { order: credited, replayed: false }
  })
}

async function memberInTx(t: Transaction, memberId: string): Promise<Member | null> {
  const member = await findMemberIn(t, memberId)
  return member && !isDeleted(member) ? member : null
}

/** Writes the purchase (and the refunds that arrived while pending); answers the order as credited. */
async function credit(t: Transaction, order: OrderDoc, member: Member, rules: Rules, discountFen: number, now: Date): Promise<OrderDoc> {
  const purchaseId = orderPurchaseId(order.source, order.orderId)
  const done = await creditPurchaseIn(t, {
    purchaseId,
    requestId: order.orderId,
    storeId: order.storeId,
    actor: order.actor,
    member,
    orderFen: order.amountFen,
    discountFen,
    couponCodes: order.couponCodes,
    lines: order.lines,
    at: new Date(order.orderedAt),
    now,
    rules,
    awardPoints: order.awardPoints,
    history: order.history,
    order: { source: order.source, orderId: order.orderId },
  })
  let balance = done.balance
  for (const refund of order.pendingRefunds) {
    const applied = await refundPurchaseIn(t, {
      refundId: orderRefundId(order.source, refund.refundId),
      requestId: refund.refundId,
      purchaseId,
      amountFen: refund.amountFen,
      reason: refund.reason,
      actor: order.actor,
      mayRefund: () => undefined,
      now,
    })
    balance = applied.refund.balanceAfter
  }
  return { ...order, status: 'credited', memberId: member._id, memberNo: member.memberNo, purchaseId, pointsEarned: done.pointsEarned, balance, creditedAt: now, updatedAt: now }
}

/** Credits one pending order to a member (null when it is gone; the order as it is when already credited). */
export async function creditPending(orderId: string, memberId: string, now: Date, loaded?: Pick<Rules, 'ladder' | 'lifecycle'>): Promise<OrderDoc | null> {
  const { ladder, lifecycle } = loaded ?? (await currentRules())
  const after = await transact(async t => {
    const order = await getInTransaction(t, orders, orderId)
    if (!order || order.status !== 'pending') return order
    const member = await memberInTx(t, memberId)
    if (!member) return order
    const points = order.pointRules ?? (await loadRules(POINT_RULES)).rules
    const credited = await credit(t, order, member, { points, ladder, lifecycle }, 0, now)
    const { status, memberId: creditedTo, memberNo, purchaseId, pointsEarned, balance, creditedAt } = credited
    await orders
      .in(t)
      .doc(order._id)
      .update({ data: { status, memberId: creditedTo, memberNo, purchaseId, pointsEarned, balance, creditedAt, pointRules: null, updatedAt: now } })
    return credited
  })
  // credited now, dated at the order: a past day's report rollup is redone
  const day = after?.status === 'credited' && after.creditedAt?.getTime() === now.getTime() ? shanghaiDay(new Date(after.orderedAt)) : null
  if (day && day < shanghaiDay(now)) await markRollupDaysStale([day])
  return after
}

/**
 * Credits the orders waiting under these keys (a phone just bound, an import just claimed), one
 * transaction each, within `budgetMs`; what is left waits for the next call (the daily sweep).
 */
export async function creditPendingOrders(memberId: string, keys: string[], now: Date, budgetMs = 4_000): Promise<{ credited: number; left: number }> {
  if (!keys.length) return { credited: 0, left: 0 }
  const started = Date.now()
  const waiting = await readAll(
    orders
      .where({ pendingKey: _.in(keys), status: 'pending' })
      .orderBy('_id', 'asc')
      .field({ _id: true }),
    10_000,
  )
  if (!waiting.length) return { credited: 0, left: 0 }
  // the ladder and stages once for all of them (each order keeps the point rules it arrived under)
  const rules = await currentRules()
  let credited = 0
  for (const { _id } of waiting) {
    if (Date.now() - started > budgetMs) break
    try {
      const after = await creditPending(_id, memberId, now, rules)
      if (after?.status === 'credited' && after.memberId === memberId) credited++
    } catch (err) {
      // e.g. a conflict with the order's sender crediting it at this moment: the others go on (the daily sweep retries this one)
      if (!(err instanceof AppError)) throw err
      console.warn('[orders] pending order', _id, 'not credited now:', err.code)
    }
  }
  return { credited, left: waiting.length - credited }
}

/** The pending keys a member answers to: their phone, and the external id of the import they claimed. */
export async function pendingKeysOf(member: Member): Promise<string[]> {
  if (!member.phone) return []
  const keys = [`phone:${member.phone}`]
  const record = await findById(memberImports, member.phone)
  if (record?.status === 'claimed' && record.memberId === member._id && record.externalId) keys.push(`ext:${record.externalId}`)
  return keys
}

/**
 * A member deleting the account (PIPL): the orders credited to them and those still waiting under
 * their phone or claimed external id lose who they were for (the phone or id as sent); the orders and
 * their purchases stay, keyed by the member id, so totals stay true. A waiting order is never credited.
 */
export async function eraseOrderRefs(memberId: string, keys: string[], now: Date): Promise<number> {
  const erased = { member: _.set({ erased: true }), pendingKey: null, updatedAt: now }
  const credited = await orders.where({ memberId }).update({ data: erased })
  const waiting = keys.length ? await orders.where({ pendingKey: _.in(keys) }).update({ data: erased }) : { stats: { updated: 0 } }
  return credited.stats.updated + waiting.stats.updated
}

// ---------------------------------------------------------------------------------------------
// refunds

function refundReplay(r: RefundDoc | PendingRefund, order: OrderDoc, event: OrderRefund): OrderRefundResult {
  const sameOrder = 'purchaseId' in r ? r.purchaseId === order.purchaseId : true
  if (!sameOrder || (event.amountFen !== undefined && event.amountFen !== r.amountFen)) {
    throw new AppError('IDEMPOTENCY_MISMATCH', `退款 ${event.refundId} 已用于另一笔退款`)
  }
  const refunded = 'purchaseId' in r
  return {
    source: order.source,
    orderId: order.orderId,
    refundId: event.refundId,
    amountFen: r.amountFen,
    pointsReversed: refunded ? r.pointsReversed : 0,
    shortfall: refunded ? r.shortfall : 0,
    status: order.status,
    replayed: true,
  }
}

/**
 * A shop's refund: for a credited order, exactly a till refund (points back by the refunded share);
 * for a pending one, recorded on the order and applied right after it is credited.
 */
export async function refundOrder(event: OrderRefund, actor: string, now: Date): Promise<OrderRefundResult> {
  const id = orderDocId(event.source, event.orderId)
  const refundId = orderRefundId(event.source, event.refundId)
  return transact(async t => {
    const order = await getInTransaction(t, orders, id)
    if (!order) throw new AppError('NOT_FOUND', `订单不存在：${event.orderId}`)
    if (order.status === 'credited') {
      const prior = await getInTransaction(t, refunds, refundId)
      if (prior) return refundReplay(prior, order, event)
      const { refund } = await refundPurchaseIn(t, {
        refundId,
        requestId: event.refundId,
        purchaseId: order.purchaseId as string,
        ...(event.amountFen !== undefined ? { amountFen: event.amountFen } : {}),
        reason: event.reason ?? null,
        actor,
        mayRefund: (p: PurchaseDoc) => {
          if (p.source !== order.source) throw new AppError('PERMISSION_DENIED', '只能退本渠道的订单')
        },
        now,
      })
      return {
        source: order.source,
        orderId: order.orderId,
        refundId: event.refundId,
        amountFen: refund.amountFen,
        pointsReversed: refund.pointsReversed,
        shortfall: refund.shortfall,
        status: 'credited',
        replayed: false,
      }
    }
    const prior = order.pendingRefunds.find(r => r.refundId === event.refundId)
    if (prior) return refundReplay(prior, order, event)
    const left = order.amountFen - order.pendingRefunds.reduce((s, r) => s + r.amountFen, 0)
    if (left <= 0) throw new AppError('FAILED_PRECONDITION', '该订单已全额退款')
    const amountFen = event.amountFen ?? left
    if (amountFen > left) throw new AppError('FAILED_PRECONDITION', `退款金额超出可退金额：最多可退 ${left} 分`)
    const pendingRefunds = [...order.pendingRefunds, { refundId: event.refundId, amountFen, reason: event.reason ?? null, at: now }]
    await orders
      .in(t)
      .doc(id)
      .update({ data: { pendingRefunds, updatedAt: now } })
    return { source: order.source, orderId: order.orderId, refundId: event.refundId, amountFen, pointsReversed: 0, shortfall: 0, status: 'pending', replayed: false }
  })
}

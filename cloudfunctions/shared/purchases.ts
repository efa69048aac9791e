/**
 * `purchases` and `refunds`: what crediting a purchase and refunding it write, inside the caller's
 * transaction. One home for the till (`staff`), the orders API and history imports (`orders`,
 * `admin.importOrders`), so a refund reverses points the same way whichever way the purchase came in.
 */
import type { Member } from '../../types/member'
import type { PointRules, PurchaseLine } from '../../types/points'
import type { PurchaseView } from '../../types/staff'
import type { LifecycleConfig } from '../../types/analytics'
import type { TierDef, TierLadder } from '../../types/tiers'
import { AppError } from '../../types/result'
import { afterPurchase, afterRefund } from '../../domain/activity'
import { purchasePoints } from '../../domain/point-rules'
import { earnPoints, expireDue, pointsToReverse, reversePoints, type WalletChange } from '../../domain/points'
import { tierMultiplier } from '../../domain/tiers'
import { wholeFields, writeAnalytics } from './activity'
import { auditIn } from './audit'
import { members, parseMember } from './collections/members'
import { purchases, purchaseView, type PurchaseDoc } from './collections/purchases'
import { refunds, type RefundDoc } from './collections/refunds'
import { rewardFirstPurchase } from './referrals'
import { loadRulesCached, TIER_LADDER } from './rules'
import type { Transaction } from './sdk-types'
import { getInTransaction } from './transaction'
import { insertOnce } from './insert-once'
import { addLedgerRows, walletFields } from './wallet'

export { purchases, purchaseView, type PurchaseDoc } from './collections/purchases'
export { refunds, type RefundDoc } from './collections/refunds'

export interface PurchaseToCredit {
  purchaseId: string
  requestId: string
  storeId: string
  actor: string
  /** the member as read in this transaction */
  member: Member
  orderFen: number
  /** what coupons written off in this transaction took off (0 without coupons) */
  discountFen: number
  couponCodes: string[]
  lines: PurchaseLine[]
  /** when it was bought; before `now` for an order sent late or imported history */
  at: Date
  now: Date
  rules: { points: PointRules; ladder: TierLadder; lifecycle: LifecycleConfig }
  /** history imported without `--award-points` earns no points (stats, growth and tier still count) */
  awardPoints: boolean
  /** the error for a purchase id already stored (the caller did not read it first); without it the insert's own error */
  onDuplicate?: () => AppError
  /** imported history: no referral reward and no tier-upgrade coupons (nothing a member is told about) */
  history: boolean
  order?: { source: string; orderId: string }
}

export interface Credited {
  purchase: PurchaseDoc
  pointsEarned: number
  balance: number
  upgradedTo: TierDef | null
}

/**
 * Points (on what was paid, at the tier held before this purchase, promotions of the purchase's
 * time), wallet, analytics and the purchase row. A purchase older than its points' validity earns
 * them and sees them expire in the same change, so the ledger explains the balance.
 */
export async function creditPurchaseIn(t: Transaction, p: PurchaseToCredit): Promise<Credited> {
  const { member, rules, now, at } = p
  const paidFen = p.orderFen - p.discountFen
  let points = 0
  if (p.awardPoints) {
    const full = purchasePoints({ amountFen: p.orderFen, storeId: p.storeId, lines: p.lines }, rules.points, at, tierMultiplier(rules.ladder, member.tier, now))
    points = p.discountFen ? Math.floor((full * paidFen) / p.orderFen) : full
  }
  // an invitee's first purchase rewards both sides (the invitee's points join this change)
  const referral = p.history || member.firstPurchaseAt ? null : await rewardFirstPurchase(t, member, p.purchaseId, now)
  const earned = earnPoints(member, points, { now: at, expiryMonths: rules.points.expiryMonths, source: { type: 'purchase', id: p.purchaseId }, batchId: p.purchaseId })
  const change = withExpiry(referral ? referral.addInviteeReward(earned) : earned, now)
  const { patch, upgradedTo } = afterPurchase(member, { paidFen, orderFen: p.orderFen, lines: p.lines, usedCoupon: p.couponCodes.length > 0, at }, rules.ladder, rules.lifecycle, now)
  // one update of the member: the wallet and the analytics together
  const wallet = change.entries.length ? walletFields(change) : {}
  await writeAnalytics(t, member, { ...patch, ...wallet }, p.history ? null : upgradedTo, now)
  await addLedgerRows(t, member._id, change, { now, operator: p.actor })
  const purchase: PurchaseDoc = {
    _id: p.purchaseId,
    requestId: p.requestId,
    storeId: p.storeId,
    staffOpenid: p.actor,
    memberId: member._id,
    memberNo: member.memberNo,
    amountFen: paidFen,
    orderFen: p.orderFen,
    discountFen: p.discountFen,
    couponCodes: p.couponCodes,
    lines: p.lines,
    pointsEarned: points,
    batchId: points > 0 ? p.purchaseId : null,
    refundedFen: 0,
    pointsReversed: 0,
    pointsShortfall: 0,
    status: 'completed',
    balanceAfter: change.wallet.points,
    ...(p.order ?? {}),
    createdAt: at,
    updatedAt: now,
  }
  if (p.onDuplicate) await insertOnce(t, purchases, purchase, p.onDuplicate)
  else await purchases.in(t).add({ data: purchase })
  return { purchase, pointsEarned: points, balance: change.wallet.points, upgradedTo: p.history ? null : upgradedTo }
}

/** Expires what is due at `now` after a change computed at an earlier time (an old order's points). */
function withExpiry(change: WalletChange, now: Date): WalletChange {
  const expired = expireDue(change.wallet, now)
  return expired.entries.length ? { wallet: expired.wallet, entries: [...change.entries, ...expired.entries] } : change
}

export interface RefundToApply {
  refundId: string
  requestId: string
  purchaseId: string
  /** omitted: what is left of the purchase */
  amountFen?: number
  reason?: string | null
  actor: string
  /** the till refunds only its own store's purchases; the orders API only its source's */
  mayRefund: (p: PurchaseDoc) => void
  now: Date
}

/**
 * Full or partial refund. Points: see domain/points.ts (exactly what the refunded share earned;
 * never below zero, the shortfall is recorded on the ledger row, the refund and the purchase).
 */
export async function refundPurchaseIn(t: Transaction, r: RefundToApply): Promise<{ refund: RefundDoc; purchase: PurchaseDoc }> {
  const p = await getInTransaction(t, purchases, r.purchaseId)
  if (!p) throw new AppError('NOT_FOUND', `消费记录不存在：${r.purchaseId}`)
  r.mayRefund(p)
  const left = p.amountFen - p.refundedFen
  if (left <= 0) throw new AppError('FAILED_PRECONDITION', '该笔消费已全额退款')
  const amount = r.amountFen ?? left
  if (amount > left) throw new AppError('FAILED_PRECONDITION', `退款金额超出可退金额：最多可退 ${left} 分`)
  const refundedAfter = p.refundedFen + amount
  const due = pointsToReverse(p, refundedAfter)

  const doc = await getInTransaction(t, members, p.memberId)
  if (!doc) throw new AppError('INTERNAL', '消费记录对应的会员不存在')
  const member = parseMember(doc)
  const change = reversePoints(member, due, { now: r.now, batchId: p.batchId ?? p._id, source: { type: 'refund', id: r.refundId }, ...(r.reason ? { reason: r.reason } : {}) })
  const { rules: ladder } = await loadRulesCached(TIER_LADDER)
  // one update of the member: the wallet (when points go back) and the spend and growth together
  const wallet = change.entries.length ? { ...walletFields(change), updatedAt: r.now } : {}
  await members
    .in(t)
    .doc(member._id)
    .update({ data: wholeFields({ ...afterRefund(member, amount, new Date(p.createdAt), ladder, r.now), ...wallet }) })
  await addLedgerRows(t, member._id, change, { now: r.now, operator: r.actor })

  const status: PurchaseView['status'] = refundedAfter >= p.amountFen ? 'refunded' : 'partially_refunded'
  // pointsReversed counts what the refunds were due to take back, shortfall included, so a later
  // refund never tries to collect an earlier shortfall
  const updated: PurchaseDoc = { ...p, refundedFen: refundedAfter, pointsReversed: p.pointsReversed + due, pointsShortfall: (p.pointsShortfall ?? 0) + change.shortfall, status, updatedAt: r.now }
  await purchases
    .in(t)
    .doc(p._id)
    .update({
      data: { refundedFen: updated.refundedFen, pointsReversed: updated.pointsReversed, pointsShortfall: updated.pointsShortfall, status, updatedAt: r.now },
    })
  const refund: RefundDoc = {
    _id: r.refundId,
    requestId: r.requestId,
    purchaseId: p._id,
    storeId: p.storeId,
    staffOpenid: r.actor,
    memberId: p.memberId,
    memberNo: p.memberNo,
    amountFen: amount,
    pointsReversed: change.reversed,
    shortfall: change.shortfall,
    reason: r.reason ?? null,
    balanceAfter: change.wallet.points,
    purchaseAfter: purchaseView(updated),
    createdAt: r.now,
  }
  await refunds.in(t).add({ data: refund })
  await auditIn(t, {
    actor: r.actor,
    action: 'refundPurchase',
    target: p._id,
    before: { refundedFen: p.refundedFen, pointsReversed: p.pointsReversed, status: p.status },
    after: { refundedFen: updated.refundedFen, pointsReversed: updated.pointsReversed, status, refundId: r.refundId, amountFen: amount, shortfall: change.shortfall },
    storeId: p.storeId,
    at: r.now,
  })
  return { refund, purchase: updated }
}

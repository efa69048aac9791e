/** The member's coupons: claim center, my coupons, detail, and the points mall. */
import type { MemberActions } from './actions'
import type { CouponChannel, CouponTemplate, CouponView, OfferView } from '../../types/coupons'
import type { Member } from '../../types/member'
import { AppError } from '../../types/result'
import { describeCoupon, offerBlocker, toCouponView, validityText } from '../../domain/coupons'
import { spendPoints } from '../../domain/points'
import { shanghaiDay } from '../../domain/time'
import { couponClaims } from '../shared/collections/coupon_claims'
import { couponTemplates } from '../shared/collections/coupon_templates'
import { couponIdFor, coupons, couponsInState } from '../shared/collections/coupons'
import { members } from '../shared/collections/members'
import { issueCouponIn } from '../shared/coupons'
import { requireUser } from '../shared/handler'
import { segmentRule } from '../shared/segments'
import type { ResolvedRule } from '../../domain/segments'
import { loadMember, memberIn } from '../shared/members'
import { findById, readAll } from '../shared/query'
import type { CouponDoc } from '../../types/coupons'
import { getInTransaction, transact } from '../shared/transaction'
import { applyWalletChange } from '../shared/wallet'

/** The member's view of a coupon, with the partner's exchange code when the template had imported codes. */
function couponView(c: CouponDoc, now: Date): CouponView {
  const view = toCouponView(c, now)
  return c.externalCode ? { ...view, externalCode: c.externalCode } : view
}

/** Active templates offered on a channel, with what this member holds of each. */
async function offers(member: Member, channel: CouponChannel, now: Date): Promise<OfferView[]> {
  const [list, claims] = await Promise.all([
    readAll(couponTemplates.where({ channels: channel, status: 'active' }).orderBy('_id', 'asc')),
    readAll(couponClaims.where({ memberId: member._id }).orderBy('_id', 'asc')),
  ])
  const held = new Map(claims.map(c => [String(c.templateId), Number(c.count)]))
  const segmentIds = [...new Set(list.flatMap(t => (t.audience.kind === 'segment' ? [t.audience.segmentId] : [])))]
  const rules = new Map(await Promise.all(segmentIds.map(async id => [id, await segmentRule(id, now)] as const)))
  return list.map(t => offerView(t, held.get(t._id) ?? 0, member, now, t.audience.kind === 'segment' ? rules.get(t.audience.segmentId) : null))
}

function offerView(t: CouponTemplate, held: number, member: Member, now: Date, segment: ResolvedRule | null | undefined): OfferView {
  const reason = offerBlocker(t, held, member, now, segment)
  return {
    templateId: t._id,
    name: t.name,
    type: t.type,
    summary: describeCoupon(t),
    description: t.description ?? null,
    validityText: validityText(t.validity),
    remaining: t.stock,
    perMemberLimit: t.perMemberLimit,
    held,
    pointsPrice: t.pointsPrice ?? null,
    canTake: reason === null,
    reason,
  }
}

/** A new member gets one coupon of every active template offered on the `welcome` channel (out of stock: none, logged). */
export async function issueWelcomeCoupons(member: Member, now: Date): Promise<number> {
  const list = await readAll(couponTemplates.where({ channels: 'welcome', status: 'active' }).orderBy('_id', 'asc'), 50)
  let issued = 0
  for (const template of list) {
    try {
      await transact(t => issueCouponIn(t, { templateId: template._id, member, channel: 'welcome', couponId: couponIdFor.welcome(member._id, template._id), now }))
      issued++
    } catch (err) {
      if (!(err instanceof AppError)) throw err
      console.warn(`[member] welcome coupon ${template._id} not issued to ${member.memberNo}: ${err.code}`)
    }
  }
  return issued
}

export const couponActions: Pick<MemberActions, 'claimCenter' | 'claimCoupon' | 'myCoupons' | 'couponDetail' | 'pointsMall' | 'exchangeCoupon'> = {
  async claimCenter(_event, ctx) {
    const member = await loadMember(requireUser(ctx))
    // hidden: templates the member could never take here (not in the audience, or over)
    const list = await offers(member, 'claim_center', ctx.now)
    return { offers: list.filter(o => o.reason !== '仅限指定会员' && o.reason !== '活动已结束') }
  },

  /**
   * Atomic against stock and the per-member limit; idempotent per requestId (a double tap claims once):
   * the coupon id is derived from the requestId, and a repeat that fails on it, or on the stock or limit
   * the first call used up, answers the first call's coupon.
   */
  async claimCoupon(event, ctx) {
    const openid = requireUser(ctx)
    const couponId = couponIdFor.claim(openid, event.templateId, event.requestId)
    try {
      return await transact(async t => {
        const member = await memberIn(t, openid)
        const coupon = await issueCouponIn(t, { templateId: event.templateId, member, channel: 'claim_center', couponId, now: ctx.now, onDuplicate: alreadyIssued })
        // the churn model reads the day of the last claim (domain/churn.ts): one write a day is enough
        if (!member.lastClaimAt || shanghaiDay(member.lastClaimAt) !== shanghaiDay(ctx.now))
          await members
            .in(t)
            .doc(openid)
            .update({ data: { lastClaimAt: ctx.now } })
        return { coupon: couponView(coupon, ctx.now), replayed: false }
      })
    } catch (err) {
      const existing = await issuedBefore(err, couponId)
      return { coupon: couponView(existing, ctx.now), replayed: true }
    }
  },

  async myCoupons(event, ctx) {
    const member = await loadMember(requireUser(ctx))
    const [page, available, used, expired] = await Promise.all([
      couponsInState(member._id, event.state, ctx.now)
        .skip(event.offset)
        .limit(event.limit + 1)
        .get(),
      couponsInState(member._id, 'available', ctx.now).count(),
      couponsInState(member._id, 'used', ctx.now).count(),
      couponsInState(member._id, 'expired', ctx.now).count(),
    ])
    return {
      items: page.data.slice(0, event.limit).map(c => couponView(c, ctx.now)),
      hasMore: page.data.length > event.limit,
      counts: { available: available.total, used: used.total, expired: expired.total },
    }
  },

  async couponDetail(event, ctx) {
    const member = await loadMember(requireUser(ctx))
    const coupon = await findById(coupons, event.couponId)
    // another member's coupon is "not found": ids and codes of others are never confirmed
    if (!coupon || coupon.memberId !== member._id) throw new AppError('NOT_FOUND', '券不存在')
    return { coupon: couponView(coupon, ctx.now) }
  },

  async pointsMall(_event, ctx) {
    const member = await loadMember(requireUser(ctx))
    const list = await offers(member, 'points_mall', ctx.now)
    return { offers: list.filter(o => o.reason !== '仅限指定会员'), balance: member.points }
  },

  /** Points spent, stock taken and the coupon issued in one transaction: all or nothing. Idempotent per requestId (as claimCoupon). */
  async exchangeCoupon(event, ctx) {
    const openid = requireUser(ctx)
    const couponId = couponIdFor.mall(openid, event.templateId, event.requestId)
    try {
      return await transact(async t => {
        const member = await memberIn(t, openid)
        const template = await getInTransaction(t, couponTemplates, event.templateId)
        if (!template || !template.channels.includes('points_mall') || !template.pointsPrice) throw new AppError('NOT_FOUND', '积分商城没有这件商品')
        const coupon = await issueCouponIn(t, { templateId: template._id, template, member, channel: 'points_mall', couponId, now: ctx.now, onDuplicate: alreadyIssued })
        const change = spendPoints(member, template.pointsPrice, { now: ctx.now, source: { type: 'exchange', id: couponId }, reason: `兑换：${template.name}` })
        await applyWalletChange(t, member, change, { now: ctx.now, operator: openid })
        return { coupon: couponView(coupon, ctx.now), pointsSpent: template.pointsPrice, balance: change.wallet.points, replayed: false }
      })
    } catch (err) {
      const existing = await issuedBefore(err, couponId)
      const [template, member] = await Promise.all([findById(couponTemplates, event.templateId), loadMember(openid)])
      return { coupon: couponView(existing, ctx.now), pointsSpent: template?.pointsPrice ?? 0, balance: member.points, replayed: true }
    }
  },
}

const alreadyIssued = () => new AppError('ALREADY_EXISTS', '该券已领取')

/** The coupon a failed claim or exchange had issued before (a repeat of the same requestId); otherwise the failure as it was. */
async function issuedBefore(err: unknown, couponId: string): Promise<CouponDoc> {
  if (!(err instanceof AppError)) throw err
  const existing = await findById(coupons, couponId)
  if (!existing) throw err
  return existing
}

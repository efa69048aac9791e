/**
 * Issuing coupons, shared by every channel (claim center, points mall, admin issue, welcome, task
 * rewards). Everything a coupon's issue decides on is read and written in the caller's transaction:
 * the template's stock, the member's count for the template (`coupon_claims/<templateId>:<openid>`)
 * and the coupon itself, whose `_id` the caller derives from what caused it, so a retry finds it.
 */
import type { CouponChannel, CouponDoc, CouponTemplate } from '../../types/coupons'
import type { Member } from '../../types/member'
import { AppError } from '../../types/result'
import { applyCoupons, couponFromTemplate, inAudience, templateOver } from '../../domain/coupons'
import { _ } from './cloud'
import { codePoolId, codePools, couponCodes } from './collections/coupon_codes'
import { claimId, couponClaims } from './collections/coupon_claims'
import { couponTemplates } from './collections/coupon_templates'
import { couponCodeFor, coupons } from './collections/coupons'
import { writeOffs, type WriteOffDoc } from './collections/coupon_writeoffs'
import type { Transaction } from './sdk-types'
import { segmentRule } from './segments'
import { auditIn } from './audit'
import { readAll } from './query'
import { getInTransaction } from './transaction'
import { insertOnce } from './insert-once'

export { couponTemplates as templates } from './collections/coupon_templates'
export { claimId } from './collections/coupon_claims'
export { couponCodeFor, coupons, couponsInState } from './collections/coupons'
export type { WriteOffDoc } from './collections/coupon_writeoffs'

export interface CouponToIssue {
  templateId: string
  member: Member
  channel: CouponChannel
  couponId: string
  now: Date
  /** the template as the caller read it in this transaction (saves reading it again) */
  template?: CouponTemplate
  /**
   * With it, the coupon id is not looked up first: an existing coupon fails the insert with this
   * error, and the caller answers the replay (one read less on every first call).
   */
  onDuplicate?: () => AppError
}

export async function issueCouponIn(t: Transaction, args: CouponToIssue): Promise<CouponDoc> {
  const { templateId, member, channel, couponId, now } = args
  if (!args.onDuplicate) {
    const existing = await getInTransaction(t, coupons, couponId)
    if (existing) return existing
  }
  const template = args.template ?? (await getInTransaction(t, couponTemplates, templateId))
  if (!template) throw new AppError('NOT_FOUND', `券模板不存在：${templateId}`)
  if (template.status !== 'active') throw new AppError('FAILED_PRECONDITION', '该券已暂停发放')
  if (!template.channels.includes(channel)) throw new AppError('FAILED_PRECONDITION', '该券不支持这种发放方式')
  if (templateOver(template, now)) throw new AppError('FAILED_PRECONDITION', '该券活动已结束')
  const segment = template.audience.kind === 'segment' ? await segmentRule(template.audience.segmentId, now, t) : null
  if (!inAudience(template.audience, member, segment)) throw new AppError('PERMISSION_DENIED', '该券仅限指定会员')
  if (template.stock !== null && template.stock <= 0) throw new AppError('OUT_OF_STOCK', '券已领完')
  const claim = await getInTransaction(t, couponClaims, claimId(templateId, member._id))
  const held = claim?.count ?? 0
  if (held >= template.perMemberLimit) throw new AppError('LIMIT_REACHED', `每人限领 ${template.perMemberLimit} 张，已达上限`)

  const externalCode = template.codePool === false ? null : await takeExternalCodeIn(t, { templateId, couponId, memberId: member._id, now })
  await couponTemplates
    .in(t)
    .doc(templateId)
    .update({
      data: { issued: template.issued + 1, ...(template.stock !== null ? { stock: template.stock - 1 } : {}), updatedAt: now },
    })
  const claimDoc = { templateId, memberId: member._id, count: held + 1, updatedAt: now }
  if (claim) await couponClaims.in(t).doc(claimId(templateId, member._id)).update({ data: claimDoc })
  else await couponClaims.in(t).add({ data: { _id: claimId(templateId, member._id), ...claimDoc } })
  const coupon: CouponDoc = {
    _id: couponId,
    code: couponCodeFor(couponId),
    memberId: member._id,
    memberNo: member.memberNo,
    channel,
    ...couponFromTemplate(template, now),
    ...(externalCode ? { externalCode } : {}),
  }
  if (args.onDuplicate) await insertOnce(t, coupons, coupon, args.onDuplicate)
  else await coupons.in(t).add({ data: coupon })
  return coupon
}

/**
 * A template with imported partner codes (`coupon_codes`, see types/import.ts) hands out code number
 * `pool.assigned` with each coupon: the pool counter is read and written in the issuing transaction,
 * so parallel issues serialize on it and no code is given twice. An empty pool is OUT_OF_STOCK.
 * Not called for a template marked `codePool: false`; one stored before that field costs this read.
 */
async function takeExternalCodeIn(t: Transaction, args: { templateId: string; couponId: string; memberId: string; now: Date }): Promise<string | null> {
  const pool = await getInTransaction(t, codePools, codePoolId(args.templateId))
  if (!pool) return null
  if (pool.assigned >= pool.imported) throw new AppError('OUT_OF_STOCK', '兑换码已发完')
  // seq → code never changes after the import, so this lookup outside the transaction is safe
  const { data } = await couponCodes.where({ templateId: args.templateId, seq: pool.assigned }).limit(1).get()
  const slot = data[0] ? await getInTransaction(t, couponCodes, String(data[0]._id)) : null
  if (!slot || slot.couponId) {
    console.error(`[coupons] code pool of ${args.templateId} is inconsistent at seq ${pool.assigned}`)
    throw new AppError('FAILED_PRECONDITION', '兑换码库存异常，请联系管理员')
  }
  await couponCodes
    .in(t)
    .doc(slot._id)
    .update({ data: { couponId: args.couponId, memberId: args.memberId, assignedAt: args.now } })
  await codePools
    .in(t)
    .doc(pool._id)
    .update({ data: { assigned: pool.assigned + 1, updatedAt: args.now } })
  return slot.code
}

/** The member's coupons with these codes (outside the transaction; they are re-read inside it). */
export async function couponsByCode(memberId: string, codes: string[]): Promise<CouponDoc[]> {
  if (!codes.length) return []
  const found = await readAll(coupons.where({ memberId, code: _.in(codes) }).orderBy('_id', 'asc'))
  return codes.map(code => {
    const coupon = found.find(c => c.code === code)
    // another member's code is "not this member's coupon": codes of others are never confirmed
    if (!coupon) throw new AppError('COUPON_NOT_APPLICABLE', `券 ${code} 不属于该会员或不存在`)
    return coupon
  })
}

/**
 * Inside the caller's transaction: re-reads the coupons, checks them against the order (see
 * domain/coupons.ts) and marks them used with one write-off row each. Returns the discount.
 */
export async function writeOffIn(
  t: Transaction,
  args: {
    couponIds: string[]
    memberId: string
    staff: { _id: string; storeId: string }
    orderFen: number | null
    purchaseId: string | null
    requestId: string | null
    now: Date
    writeOffIdOf: (couponId: string) => string
  },
): Promise<{ discountFen: number; paidFen: number; rows: WriteOffDoc[] }> {
  const fresh: CouponDoc[] = []
  for (const id of args.couponIds) {
    const c = await getInTransaction(t, coupons, id)
    if (!c) throw new AppError('COUPON_NOT_APPLICABLE', '券不存在')
    fresh.push(c)
  }
  const { discounts, discountFen, paidFen } = applyCoupons(fresh, args.memberId, args.orderFen, args.now)
  const rows: WriteOffDoc[] = []
  for (const [i, c] of fresh.entries()) {
    const row: WriteOffDoc = {
      _id: args.writeOffIdOf(c._id),
      requestId: args.requestId,
      couponId: c._id,
      code: c.code,
      name: c.name,
      memberId: c.memberId,
      memberNo: c.memberNo,
      staffOpenid: args.staff._id,
      storeId: args.staff.storeId,
      purchaseId: args.purchaseId,
      orderFen: args.orderFen,
      discountFen: discounts[i],
      at: args.now,
      undone: null,
    }
    await coupons
      .in(t)
      .doc(c._id)
      .update({ data: { status: 'used', usedAt: args.now, writeOffId: row._id } })
    await writeOffs.in(t).add({ data: row })
    await auditIn(t, {
      actor: args.staff._id,
      action: 'writeOffCoupon',
      target: c._id,
      before: { status: 'available' },
      after: { status: 'used', writeOffId: row._id, purchaseId: args.purchaseId, discountFen: discounts[i] },
      storeId: args.staff.storeId,
      at: args.now,
    })
    rows.push(row)
  }
  return { discountFen, paidFen, rows }
}

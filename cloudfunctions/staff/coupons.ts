/**
 * Coupon write-offs at the till. A coupon is used exactly once: the write-off re-reads it inside a
 * transaction and marks it used, so of two cashiers writing off one coupon at once, one wins and the
 * other (its transaction conflicts, is retried and sees `used`) gets COUPON_USED.
 */
import type { CouponDoc, WriteOffView } from '../../types/coupons'
import { AppError } from '../../types/result'
import type { StaffEvent } from '../../types/staff'
import { UNDO_WINDOW_MINUTES } from '../../domain/coupon-math'
import { applyCoupons, toCouponView } from '../../domain/coupons'
import { auditIn } from '../shared/audit'
import { db, _ } from '../shared/cloud'
import { coupons } from '../shared/coupons'
import type { Actions } from '../shared/handler'
import { derivedId } from '../shared/ids'
import { findById, readAll } from '../shared/query'
import type { Transaction } from '../shared/sdk-types'
import { getInTransaction, transact } from '../shared/transaction'
import { atTill, memberAtTillRef, requireStaff, tillCoupons, type StaffRow } from './till'

export interface WriteOffDoc {
  _id: string
  requestId: string | null
  couponId: string
  code: string
  name: string
  memberId: string
  memberNo: string
  staffOpenid: string
  storeId: string
  purchaseId: string | null
  orderFen: number | null
  discountFen: number
  at: Date
  undone: { at: Date; by: string; reason: string } | null
}

const writeOffs = db.collection<WriteOffDoc>('coupon_writeoffs')

function writeOffView(w: WriteOffDoc): WriteOffView {
  return {
    writeOffId: w._id,
    couponId: w.couponId,
    code: w.code,
    memberNo: w.memberNo,
    name: w.name,
    storeId: w.storeId,
    purchaseId: w.purchaseId,
    orderFen: w.orderFen,
    discountFen: w.discountFen,
    at: new Date(w.at).toISOString(),
    undone: w.undone ? { at: new Date(w.undone.at).toISOString(), reason: w.undone.reason } : null,
  }
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
  args: { couponIds: string[]; memberId: string; staff: StaffRow; orderFen: number | null; purchaseId: string | null; requestId: string | null; now: Date; writeOffIdOf: (couponId: string) => string },
): Promise<{ discountFen: number; paidFen: number; rows: WriteOffDoc[] }> {
  const fresh: CouponDoc[] = []
  for (const id of args.couponIds) {
    const c = await getInTransaction<CouponDoc>(t, 'coupons', id)
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
    await t.collection('coupons').doc(c._id).update({ data: { status: 'used', usedAt: args.now, writeOffId: row._id } })
    await t.collection('coupon_writeoffs').add({ data: row })
    await auditIn(t, { actor: args.staff._id, action: 'writeOffCoupon', target: c._id, before: { status: 'available' }, after: { status: 'used', writeOffId: row._id, purchaseId: args.purchaseId, discountFen: discounts[i] }, storeId: args.staff.storeId, at: args.now })
    rows.push(row)
  }
  return { discountFen, paidFen, rows }
}

type WriteOffEvent = Extract<StaffEvent, { action: 'writeOffCoupon' }>

function writeOffReplay(w: WriteOffDoc, event: WriteOffEvent) {
  if (w.code !== event.couponCode) throw new AppError('FAILED_PRECONDITION', 'requestId 已用于另一次核销，请换一个 requestId')
  return { writeOff: writeOffView(w), replayed: true }
}

export const staffCouponActions: Pick<Actions<StaffEvent>, 'memberCoupons' | 'writeOffCoupon' | 'undoWriteOff'> = {
  async memberCoupons(event, ctx) {
    await requireStaff(ctx)
    const member = await memberAtTillRef(event.member, ctx.now)
    const list = await readAll(tillCoupons(member._id, ctx.now).orderBy('validUntil', 'asc'), 200)
    return { member: await atTill(member, ctx.now), coupons: list.map(c => toCouponView(c, ctx.now)) }
  },

  /** A stand-alone write-off, idempotent per (staff, requestId). */
  async writeOffCoupon(event, ctx) {
    const staff = await requireStaff(ctx)
    const writeOffId = derivedId('wo', staff._id, event.requestId)
    const prior = await findById<WriteOffDoc>(writeOffs, writeOffId)
    if (prior) return writeOffReplay(prior, event)
    const member = await memberAtTillRef(event.member, ctx.now)
    const [coupon] = await couponsByCode(member._id, [event.couponCode])
    return transact(async t => {
      const raced = await getInTransaction<WriteOffDoc>(t, 'coupon_writeoffs', writeOffId)
      if (raced) return writeOffReplay(raced, event)
      const { rows } = await writeOffIn(t, {
        couponIds: [coupon._id],
        memberId: member._id,
        staff,
        orderFen: event.orderFen ?? null,
        purchaseId: null,
        requestId: event.requestId,
        now: ctx.now,
        writeOffIdOf: () => writeOffId,
      })
      return { writeOff: writeOffView(rows[0]), replayed: false }
    })
  },

  /** Within UNDO_WINDOW_MINUTES, in the same store, for stand-alone write-offs (a purchase's coupons go back with its refund process). */
  async undoWriteOff(event, ctx) {
    const staff = await requireStaff(ctx)
    return transact(async t => {
      const w = await getInTransaction<WriteOffDoc>(t, 'coupon_writeoffs', event.writeOffId)
      if (!w) throw new AppError('NOT_FOUND', '核销记录不存在')
      if (w.storeId !== staff.storeId) throw new AppError('PERMISSION_DENIED', '只能撤销本门店的核销')
      if (w.purchaseId) throw new AppError('FAILED_PRECONDITION', '随消费核销的券不能单独撤销')
      if (w.undone) throw new AppError('FAILED_PRECONDITION', '该核销已撤销')
      if (ctx.now.getTime() - new Date(w.at).getTime() > UNDO_WINDOW_MINUTES * 60_000) {
        throw new AppError('FAILED_PRECONDITION', `核销超过 ${UNDO_WINDOW_MINUTES} 分钟，不能撤销`)
      }
      const coupon = await getInTransaction<CouponDoc>(t, 'coupons', w.couponId)
      if (!coupon || coupon.writeOffId !== w._id) throw new AppError('INTERNAL', '券与核销记录不一致')
      const undone = { at: ctx.now, by: staff._id, reason: event.reason }
      await t.collection('coupons').doc(coupon._id).update({ data: { status: 'available', usedAt: null, writeOffId: null } })
      await t.collection('coupon_writeoffs').doc(w._id).update({ data: { undone } })
      await auditIn(t, { actor: staff._id, action: 'undoWriteOff', target: coupon._id, before: { status: 'used', writeOffId: w._id }, after: { status: 'available', reason: event.reason }, storeId: staff.storeId, at: ctx.now })
      return { writeOff: writeOffView({ ...w, undone }), coupon: toCouponView({ ...coupon, status: 'available', usedAt: null, writeOffId: null }, ctx.now) }
    })
  },
}

/**
 * Coupon write-offs at the till. A coupon is used exactly once: the write-off re-reads it inside a
 * transaction and marks it used, so of two cashiers writing off one coupon at once, one wins and the
 * other (its transaction conflicts, is retried and sees `used`) gets COUPON_USED.
 */
import type { StaffActions } from './actions'
import type { WriteOffView } from '../../types/coupons'
import { AppError } from '../../types/result'
import type { StaffEvent } from '../../types/staff'
import { UNDO_WINDOW_MINUTES } from '../../domain/coupon-math'
import { toCouponView } from '../../domain/coupons'
import { auditIn } from '../shared/audit'
import { _ } from '../shared/cloud'
import { coupons } from '../shared/collections/coupons'
import { tillWriteOffId, writeOffs, type WriteOffDoc } from '../shared/collections/coupon_writeoffs'
import { couponsByCode, writeOffIn } from '../shared/coupons'
import { findById, readAll } from '../shared/query'
import { getInTransaction, transact } from '../shared/transaction'
import { atTill, memberAtTillRef, requireStaff, tillCoupons } from './till'

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

type WriteOffEvent = Extract<StaffEvent, { action: 'writeOffCoupon' }>

function writeOffReplay(w: WriteOffDoc, event: WriteOffEvent) {
  if (w.code !== event.couponCode) throw new AppError('FAILED_PRECONDITION', 'requestId 已用于另一次核销，请换一个 requestId')
  return { writeOff: writeOffView(w), replayed: true }
}

export const staffCouponActions: Pick<StaffActions, 'memberCoupons' | 'writeOffCoupon' | 'undoWriteOff'> = {
  async memberCoupons(event, ctx) {
    const staff = await requireStaff(ctx)
    const member = await memberAtTillRef(event.member, ctx.now, staff._id)
    const list = await readAll(tillCoupons(member._id, ctx.now).orderBy('validUntil', 'asc'), 200)
    return { member: await atTill(member, ctx.now), coupons: list.map(c => toCouponView(c, ctx.now)) }
  },

  /** A stand-alone write-off, idempotent per (staff, requestId). */
  async writeOffCoupon(event, ctx) {
    const staff = await requireStaff(ctx)
    const writeOffId = tillWriteOffId(staff._id, event.requestId)
    const prior = await findById(writeOffs, writeOffId)
    if (prior) return writeOffReplay(prior, event)
    const member = await memberAtTillRef(event.member, ctx.now, staff._id)
    const [coupon] = await couponsByCode(member._id, [event.couponCode])
    return transact(async t => {
      const raced = await getInTransaction(t, writeOffs, writeOffId)
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
      const w = await getInTransaction(t, writeOffs, event.writeOffId)
      if (!w) throw new AppError('NOT_FOUND', '核销记录不存在')
      if (w.storeId !== staff.storeId) throw new AppError('PERMISSION_DENIED', '只能撤销本门店的核销')
      if (w.purchaseId) throw new AppError('FAILED_PRECONDITION', '随消费核销的券不能单独撤销')
      if (w.undone) throw new AppError('FAILED_PRECONDITION', '该核销已撤销')
      if (ctx.now.getTime() - new Date(w.at).getTime() > UNDO_WINDOW_MINUTES * 60_000) {
        throw new AppError('FAILED_PRECONDITION', `核销超过 ${UNDO_WINDOW_MINUTES} 分钟，不能撤销`)
      }
      const coupon = await getInTransaction(t, coupons, w.couponId)
      if (!coupon || coupon.writeOffId !== w._id) throw new AppError('INTERNAL', '券与核销记录不一致')
      const undone = { at: ctx.now, by: staff._id, reason: event.reason }
      await coupons
        .in(t)
        .doc(coupon._id)
        .update({ data: { status: 'available', usedAt: null, writeOffId: null } })
      await writeOffs.in(t).doc(w._id).update({ data: { undone } })
      await auditIn(t, {
        actor: staff._id,
        action: 'undoWriteOff',
        target: coupon._id,
        before: { status: 'used', writeOffId: w._id },
        after: { status: 'available', reason: event.reason },
        storeId: staff.storeId,
        at: ctx.now,
      })
      return { writeOff: writeOffView({ ...w, undone }), coupon: toCouponView({ ...coupon, status: 'available', usedAt: null, writeOffId: null }, ctx.now) }
    })
  },
}

/**
 * 生日礼 without a subscribe grant: the home card reads `birthdayGift`; `claimBirthdayGift` credits the
 * configured points and coupon during the birthday week (domain/birthday.ts), once per birthday year.
 * The guard is the claim doc `birthday_gifts/<birthdayGiftIdOf(openid, year)>`, inserted first in the crediting
 * transaction: a parallel second claim fails on that insert (or conflicts and, retried, does) and is
 * answered ALREADY_EXISTS; nothing is credited twice.
 */
import type { MemberActions } from './actions'
import type { BirthdayGiftRules } from '../../types/birthday'
import type { CouponDoc } from '../../types/coupons'
import { AppError } from '../../types/result'
import { birthdayGiftView, birthdayWeek, giftOffered } from '../../domain/birthday'
import { toCouponView } from '../../domain/coupons'
import { earnPoints } from '../../domain/points'
import { birthdayGiftIdOf, birthdayGifts } from '../shared/collections/birthday_gifts'
import { couponIdFor } from '../shared/collections/coupons'
import { issueCouponIn, templates } from '../shared/coupons'
import { requireUser } from '../shared/handler'
import { insertOnce } from '../shared/insert-once'
import { loadMember, memberIn } from '../shared/members'
import { findById } from '../shared/query'
import { BIRTHDAY_GIFT, loadRulesCached, POINT_RULES } from '../shared/rules'
import { transact } from '../shared/transaction'
import { applyWalletChange } from '../shared/wallet'

async function couponNameOf(rules: BirthdayGiftRules): Promise<string | null> {
  if (!rules.couponTemplateId) return null
  const template = await findById(templates, rules.couponTemplateId)
  return template?.name ?? null
}

export const birthdayActions: Pick<MemberActions, 'birthdayGift' | 'claimBirthdayGift'> = {
  async birthdayGift(_event, ctx) {
    const [member, { rules }] = await Promise.all([loadMember(requireUser(ctx)), loadRulesCached(BIRTHDAY_GIFT)])
    const week = birthdayWeek(member.birthday, ctx.now)
    const [claim, couponName] = await Promise.all([week ? findById(birthdayGifts, birthdayGiftIdOf(member._id, week.year)) : null, couponNameOf(rules)])
    return birthdayGiftView(rules, member.birthday, ctx.now, claim, couponName)
  },

  async claimBirthdayGift(_event, ctx) {
    const openid = requireUser(ctx)
    const [{ rules }, { rules: pointRules }, member] = await Promise.all([loadRulesCached(BIRTHDAY_GIFT), loadRulesCached(POINT_RULES), loadMember(openid)])
    if (!giftOffered(rules)) throw new AppError('FAILED_PRECONDITION', '暂未开放生日礼')
    if (!member.birthday) throw new AppError('FAILED_PRECONDITION', '请先在个人资料中填写生日')
    // a repeat after the first claim committed is answered from one read, without a transaction
    const seen = birthdayWeek(member.birthday, ctx.now)
    const [couponName, before] = await Promise.all([couponNameOf(rules), seen?.open ? findById(birthdayGifts, birthdayGiftIdOf(openid, seen.year)) : null])
    if (before) throw new AppError('ALREADY_EXISTS', `${before.year} 年的生日礼已领取`)
    return transact(async t => {
      // the birthday decides the week: read it again with everything the claim writes
      const fresh = await memberIn(t, openid)
      const week = birthdayWeek(fresh.birthday, ctx.now)
      if (!week?.open) {
        throw new AppError('NOT_BIRTHDAY_WEEK', week ? `生日礼在生日周（${week.from} 至 ${week.to}）可领取` : '请先在个人资料中填写生日')
      }
      const id = birthdayGiftIdOf(openid, week.year)
      const claimed = () => new AppError('ALREADY_EXISTS', `${week.year} 年的生日礼已领取`)
      const couponId = rules.couponTemplateId ? couponIdFor.birthday(openid, week.year) : null
      await insertOnce(t, birthdayGifts, { _id: id, memberId: openid, year: week.year, day: week.day, points: rules.points, couponId, claimedAt: ctx.now }, claimed)
      let coupon: CouponDoc | null = null
      if (rules.couponTemplateId && couponId) {
        coupon = await issueCouponIn(t, { templateId: rules.couponTemplateId, member: fresh, channel: 'birthday', couponId, now: ctx.now, onDuplicate: claimed })
      }
      const change = earnPoints(fresh, rules.points, {
        now: ctx.now,
        expiryMonths: pointRules.expiryMonths,
        source: { type: 'birthday', id },
        batchId: id,
        reason: `${week.year} 年生日礼`,
      })
      if (change.entries.length) await applyWalletChange(t, fresh, change, { now: ctx.now, operator: openid })
      return {
        gift: birthdayGiftView(rules, fresh.birthday, ctx.now, { claimedAt: ctx.now }, couponName),
        pointsAwarded: rules.points,
        coupon: coupon ? toCouponView(coupon, ctx.now) : null,
        balance: change.wallet.points,
      }
    })
  },
}

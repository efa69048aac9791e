/**
 * Daily check-in, its calendar and make-ups (rules: domain/checkin.ts). One check-in per Shanghai
 * day is guaranteed by the data model: the day's doc `checkins/<openid>:<YYYY-MM-DD>` is added in
 * the same transaction as the member's check-in state and the points, so a racing second check-in
 * fails its transaction and, retried, sees the day already checked.
 */
import type { MemberActions } from './actions'
import type { CheckinCalendar, CheckinRules } from '../../types/checkin'
import type { TierLadder } from '../../types/tiers'
import type { Member } from '../../types/member'
import { AppError } from '../../types/result'
import { applyCheckIn, applyMakeUp, calendarView, streakAt } from '../../domain/checkin'
import { earnPoints, spendPoints } from '../../domain/points'
import { afterCheckin } from '../../domain/activity'
import { tierMultiplier } from '../../domain/tiers'
import { shanghaiDay } from '../../domain/time'
import { _ } from '../shared/cloud'
import { checkinId, checkins, type CheckinDoc } from '../shared/collections/checkins'
import { coupons } from '../shared/collections/coupons'
import { members } from '../shared/collections/members'
import { requireUser } from '../shared/handler'
import { loadMember, memberIn } from '../shared/members'
import { findById } from '../shared/query'
import { CHECKIN_RULES, loadRulesCached, POINT_RULES, TIER_LADDER } from '../shared/rules'
import { writeAnalytics } from '../shared/activity'
import type { Transaction } from '../shared/sdk-types'
import { getInTransaction, transact } from '../shared/transaction'
import { addLedgerRows, applyWalletChange, walletFields } from '../shared/wallet'

/** The member's make-up cards usable now, soonest to expire first. */
const usableCards = (memberId: string, now: Date) => coupons.where({ memberId, type: 'makeup_card', status: 'available', validUntil: _.gt(now) })

async function cardCount(memberId: string, now: Date): Promise<number> {
  // a card not yet valid is rare (cards come from tasks and the points mall): counted, refused at use
  return (await usableCards(memberId, now).count()).total
}

const todayDoc = (memberId: string, now: Date) => findById(checkins, checkinId(memberId, shanghaiDay(now)))

/**
 * The calendar for `member` as stored now; what today's check-in paid comes from its doc. A caller
 * that already has the ladder or today's doc passes them (check-in itself: no second read).
 */
async function calendarFor(member: Member, rules: CheckinRules, now: Date, known: { ladder?: TierLadder; today?: CheckinDoc | null } = {}): Promise<CheckinCalendar> {
  const [cards, today, ladder] = await Promise.all([
    cardCount(member._id, now),
    known.today !== undefined ? known.today : todayDoc(member._id, now),
    known.ladder ?? loadRulesCached(TIER_LADDER).then(r => r.rules),
  ])
  return calendarView(member.checkin, rules, now, { cards, joinedAt: member.createdAt, tierMultiplier: tierMultiplier(ladder, member.tier, now), ...(today ? { todayPoints: today.points } : {}) })
}

async function setState(t: Transaction, member: Member, checkin: Member['checkin'], now: Date): Promise<void> {
  // _.set replaces the whole object (a plain object would be flattened to dot paths, which fails on a null field)
  await members
    .in(t)
    .doc(member._id)
    .update({ data: { checkin: _.set(checkin), updatedAt: now } })
}

type MakeUpPayment = { payWith: 'points' } | { payWith: 'card'; cardId: string }

export const checkinActions: Pick<MemberActions, 'checkIn' | 'checkinCalendar' | 'makeUpCheckin'> = {
  async checkIn(_event, ctx) {
    const openid = requireUser(ctx)
    const [{ rules }, { rules: pointRules }, { rules: ladder }] = await Promise.all([loadRulesCached(CHECKIN_RULES), loadRulesCached(POINT_RULES), loadRulesCached(TIER_LADDER)])
    const { member, outcome, balance, today } = await transact(async t => {
      const member = await memberIn(t, openid)
      const outcome = applyCheckIn(member.checkin, rules, ctx.now, tierMultiplier(ladder, member.tier, ctx.now))
      if (!outcome.credited) return { member, outcome, balance: member.points, today: undefined }
      const id = checkinId(openid, outcome.day)
      const doc: CheckinDoc = { _id: id, memberId: openid, day: outcome.day, kind: 'checkin', points: outcome.points, bonus: outcome.bonus, streak: outcome.streak, createdAt: ctx.now }
      await checkins.in(t).add({ data: doc })
      const change = earnPoints(member, outcome.points, { now: ctx.now, expiryMonths: pointRules.expiryMonths, source: { type: 'checkin', id }, batchId: id })
      // a check-in day is growth too: it can lift the member to the next tier
      const grown = afterCheckin(member, ladder, ctx.now)
      // one update of the member: the check-in state, the wallet and the growth together
      const wallet = change.entries.length ? walletFields(change) : {}
      await writeAnalytics(t, member, { ...grown.patch, ...wallet, checkin: outcome.state }, grown.upgradedTo, ctx.now)
      await addLedgerRows(t, openid, change, { now: ctx.now, operator: openid })
      return { member: { ...member, ...change.wallet, ...grown.patch, checkin: outcome.state }, outcome, balance: change.wallet.points, today: doc }
    })
    // a repeat the same day answers what the first check-in gave: its doc is read once, here
    const first = today ?? (await todayDoc(openid, ctx.now))
    const calendar = await calendarFor(member, rules, ctx.now, { ladder, today: first })
    if (outcome.credited) {
      return { credited: true, day: outcome.day, points: outcome.points, bonus: outcome.bonus, streak: outcome.streak, balance, calendar }
    }
    return { credited: false, day: outcome.day, points: first?.points ?? 0, bonus: first?.bonus ?? 0, streak: calendar.streak, balance, calendar }
  },

  async checkinCalendar(_event, ctx) {
    const member = await loadMember(requireUser(ctx))
    const { rules } = await loadRulesCached(CHECKIN_RULES)
    return calendarFor(member, rules, ctx.now)
  },

  /**
   * Pays with points (`spend` row, source `makeup:<openid>:<day>`) or with the make-up card that
   * expires first (marked used in the same transaction; a card used meanwhile by a parallel
   * make-up makes this one pick the next card).
   */
  async makeUpCheckin(event, ctx) {
    const openid = requireUser(ctx)
    const { rules } = await loadRulesCached(CHECKIN_RULES)
    const tried = new Set<string>()
    for (let attempt = 0; attempt < 5; attempt++) {
      let payment: MakeUpPayment = { payWith: 'points' }
      if (event.payWith === 'card') {
        const { data } = await usableCards(openid, ctx.now).orderBy('validUntil', 'asc').limit(20).get()
        const card = data.find(c => new Date(c.validFrom) <= ctx.now && !tried.has(c._id))
        if (!card) {
          // the day is checked before the card, so a wrong day is reported as such
          const member = await loadMember(openid)
          applyMakeUp(member.checkin, rules, event.day, ctx.now, member.createdAt)
          throw new AppError('FAILED_PRECONDITION', '没有可用的补签卡')
        }
        tried.add(card._id)
        payment = { payWith: 'card', cardId: card._id }
      }
      const done = await makeUpIn(openid, event.day, payment, rules, ctx.now)
      if (done)
        return { day: event.day, paidWith: event.payWith, cost: event.payWith === 'points' ? rules.makeup.costPoints : 1, balance: done.points, calendar: await calendarFor(done, rules, ctx.now) }
    }
    throw new AppError('CONFLICT', '补签卡正在使用中，请稍后重试')
  },
}

/** The make-up transaction; null when the chosen card was used meanwhile (the caller picks another). */
async function makeUpIn(openid: string, day: string, payment: MakeUpPayment, rules: CheckinRules, now: Date): Promise<Member | null> {
  return transact(async t => {
    const member = await memberIn(t, openid)
    const state = applyMakeUp(member.checkin, rules, day, now, member.createdAt)
    let wallet = { points: member.points, pointBatches: member.pointBatches }
    if (payment.payWith === 'card') {
      const card = await getInTransaction(t, coupons, payment.cardId)
      if (!card || card.memberId !== openid || card.type !== 'makeup_card' || card.status !== 'available' || new Date(card.validUntil) <= now) return null
      await coupons
        .in(t)
        .doc(card._id)
        .update({ data: { status: 'used', usedAt: now } })
    } else {
      const change = spendPoints(member, rules.makeup.costPoints, { now, source: { type: 'checkin', id: `makeup:${openid}:${day}` }, reason: `补签 ${day}` })
      await applyWalletChange(t, member, change, { now, operator: openid })
      wallet = change.wallet
    }
    const doc: CheckinDoc = {
      _id: checkinId(openid, day),
      memberId: openid,
      day,
      kind: 'makeup',
      points: 0,
      bonus: 0,
      streak: streakAt(state, rules, Number(day.slice(8, 10))),
      paidWith: payment.payWith,
      couponId: payment.payWith === 'card' ? payment.cardId : null,
      createdAt: now,
    }
    await checkins.in(t).add({ data: doc })
    await setState(t, member, state, now)
    return { ...member, ...wallet, checkin: state }
  })
}

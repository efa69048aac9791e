/**
 * Invitations: linking an invitee to the inviter at sign-up, and rewarding both once at the
 * invitee's first purchase, at most `referral.monthlyCap` rewarded invitations per inviter per
 * Shanghai month (more invitees still link; their first purchase is recorded `over_cap`).
 *
 * `invites/<inviteeOpenid>`: { inviterId, inviteeId, inviteeNickname, joinedAt, status } — one per
 * invitee, so an invitee has one inviter. `invites/counter:<inviterId>:<YYYY-MM>`: { ownerId, month,
 * rewarded } — it has no `inviterId` field, so listing an inviter's invitees never returns it.
 */
import type { Member } from '../../types/member'
import { AppError } from '../../types/result'
import type { Reward } from '../../types/tasks'
import { earnPoints, type WalletChange } from '../../domain/points'
import { inviteCounterId, inviteMonth } from '../../domain/tasks'
import { issueCouponIn } from './coupons'
import { couponIdFor } from './collections/coupons'
import { inviteCounters, invites, type InviteDoc, type InviteStatus } from './collections/invites'
import { findMemberIn, isDeleted, memberByNo, members } from './collections/members'
import { loadRules, POINT_RULES, TASK_RULES } from './rules'
import type { Transaction } from './sdk-types'
import { getInTransaction, transact } from './transaction'
import { applyWalletChange } from './wallet'

export type { InviteDoc, InviteStatus } from './collections/invites'

/**
 * Links `invitee` to the member whose member number is `inviteCode`: sets `invitee.invitedBy`
 * (on the passed object and, when the invitee's doc already exists, on the doc) and adds
 * `invites/<inviteeOpenid>`. Refuses silently — returns null, writes nothing — for a self-invite,
 * an unknown or deleted inviter, or an invitee who already has an inviter.
 *
 * With a transaction `t` the writes join it (when the invitee's doc is added later in the same
 * transaction, add it after this call: the object now carries `invitedBy`); with null it runs its
 * own transaction. Returns the inviter's OPENID when linked.
 */
export async function linkInviter(t: Transaction | null, invitee: Member, inviteCode: string, now: Date): Promise<string | null> {
  if (invitee.invitedBy || invitee.memberNo === inviteCode) return null
  const inviter = await memberByNo(inviteCode)
  if (!inviter || isDeleted(inviter) || inviter._id === invitee._id) return null
  const link = async (tx: Transaction): Promise<string | null> => {
    if (await getInTransaction(tx, invites, invitee._id)) return null
    const doc = await getInTransaction(tx, members, invitee._id)
    if (doc) {
      if (doc.invitedBy) return null
      await members
        .in(tx)
        .doc(invitee._id)
        .update({ data: { invitedBy: inviter._id } })
    } else if (!t) return null // on its own, the invitee must exist already
    const invite: InviteDoc = { _id: invitee._id, inviterId: inviter._id, inviteeId: invitee._id, inviteeNickname: invitee.nickname, joinedAt: now, status: 'joined' }
    await invites.in(tx).add({ data: invite })
    return inviter._id
  }
  const linked = t ? await link(t) : await transact(link)
  if (linked) invitee.invitedBy = linked
  return linked
}

export interface FirstPurchaseReferral {
  status: 'none' | InviteStatus
  /** points the invitee gets (0 unless `rewarded`) */
  inviteePoints: number
  /**
   * Adds the invitee's reward to the caller's own wallet change for the invitee, so the invitee's
   * doc and ledger are written once, by the caller: `change = referral.addInviteeReward(change)`.
   */
  addInviteeReward(change: WalletChange): WalletChange
}

const nothing = (status: FirstPurchaseReferral['status']): FirstPurchaseReferral => ({ status, inviteePoints: 0, addInviteeReward: change => change })

/**
 * At the invitee's first purchase, inside the purchase's transaction `t` (call it only when the
 * invitee had no `firstPurchaseAt`). When the invitee was invited, the referral is enabled and the
 * invite is still `joined`: under the inviter's monthly cap both are rewarded (the inviter's
 * points and coupon are written here; the invitee's coupon is issued here, the invitee's points
 * are returned for the caller to add to its own change — see addInviteeReward) and the counter is
 * bumped; over the cap the invite becomes `over_cap`. A referral coupon that cannot be issued
 * (out of stock, limit) is skipped and logged: it never fails the purchase.
 */
export async function rewardFirstPurchase(t: Transaction, invitee: Member, purchaseId: string, now: Date): Promise<FirstPurchaseReferral> {
  if (!invitee.invitedBy) return nothing('none')
  const { rules } = await loadRules(TASK_RULES)
  const referral = rules.referral
  if (!referral.enabled) return nothing('none')
  const invite = await getInTransaction(t, invites, invitee._id)
  if (!invite || invite.status !== 'joined') return nothing('none')
  const counterId = inviteCounterId(invite.inviterId, now)
  const counter = await getInTransaction(t, inviteCounters, counterId)
  const rewarded = counter?.rewarded ?? 0
  if (rewarded >= referral.monthlyCap) {
    await invites
      .in(t)
      .doc(invitee._id)
      .update({ data: { status: 'over_cap', purchaseId, rewardedAt: null } })
    return nothing('over_cap')
  }
  const { rules: pointRules } = await loadRules(POINT_RULES)
  const inviter = await findMemberIn(t, invite.inviterId)
  if (inviter && !isDeleted(inviter)) {
    const id = `invite:${invitee._id}`
    const change = earnPoints(inviter, referral.inviter.points, { now, expiryMonths: pointRules.expiryMonths, source: { type: 'task', id }, batchId: id })
    if (change.entries.length) await applyWalletChange(t, inviter, change, { now, operator: 'system' })
    await couponReward(t, referral.inviter, inviter, 'invite', invitee._id, now)
  }
  await couponReward(t, referral.invitee, invitee, 'invited', invitee._id, now)
  if (counter)
    await inviteCounters
      .in(t)
      .doc(counterId)
      .update({ data: { rewarded: rewarded + 1, updatedAt: now } })
  else await inviteCounters.in(t).add({ data: { _id: counterId, ownerId: invite.inviterId, month: inviteMonth(now), rewarded: 1, updatedAt: now } })
  await invites
    .in(t)
    .doc(invitee._id)
    .update({ data: { status: 'rewarded', purchaseId, rewardedAt: now } })

  const id = `invited:${invitee._id}`
  const points = referral.invitee.points
  return {
    status: 'rewarded',
    inviteePoints: points,
    addInviteeReward(change) {
      const next = earnPoints(change.wallet, points, { now, expiryMonths: pointRules.expiryMonths, source: { type: 'task', id }, batchId: id })
      return { wallet: next.wallet, entries: [...change.entries, ...next.entries] }
    },
  }
}

async function couponReward(t: Transaction, reward: Reward, member: Member, role: string, inviteeId: string, now: Date): Promise<void> {
  if (!reward.couponTemplateId) return
  try {
    await issueCouponIn(t, { templateId: reward.couponTemplateId, member, channel: 'admin', couponId: couponIdFor.referral(role, inviteeId), now })
  } catch (err) {
    // issueCouponIn refuses before it writes anything, so the transaction can go on without the coupon
    if (!(err instanceof AppError)) throw err
    console.error(`[referrals] ${role} coupon ${reward.couponTemplateId} not issued for ${member._id}: ${err.code} ${err.message}`)
  }
}

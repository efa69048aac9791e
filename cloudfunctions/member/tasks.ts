/**
 * One-time tasks and invitations (rules: domain/tasks.ts; linking and first-purchase rewards:
 * shared/referrals.ts). Each task rewards once: the claim re-reads the member in its transaction
 * and records `taskRewards.<taskId>` with the points (ledger id from `<openid>:<taskId>`) and the
 * coupon (id derived from the same), so a parallel second claim conflicts and, retried, is refused.
 */
import type { MemberActions } from './actions'
import type { CouponDoc } from '../../types/coupons'
import type { Member } from '../../types/member'
import { AppError } from '../../types/result'
import type { InviteeView } from '../../types/tasks'
import { toCouponView } from '../../domain/coupons'
import { earnPoints } from '../../domain/points'
import { inviteCounterId, maskNickname, sharePath, taskView, taskViews, type TaskFacts } from '../../domain/tasks'
import { _ } from '../shared/cloud'
import { couponIdFor } from '../shared/collections/coupons'
import { inviteCounters, invites } from '../shared/collections/invites'
import { members } from '../shared/collections/members'
import { purchasesOf } from '../shared/collections/purchases'
import { issueCouponIn } from '../shared/coupons'
import { requireUser } from '../shared/handler'
import { loadMember, memberIn } from '../shared/members'
import { findById } from '../shared/query'
import { loadRules, POINT_RULES, TASK_RULES } from '../shared/rules'
import { transact } from '../shared/transaction'
import { applyWalletChange } from '../shared/wallet'

const MAX_INVITEES_SHOWN = 100

async function factsFor(member: Member): Promise<TaskFacts> {
  if (member.firstPurchaseAt) return { hasPurchase: true }
  const { total } = await purchasesOf(member._id).count()
  return { hasPurchase: total > 0 }
}

export const taskActions: Pick<MemberActions, 'tasks' | 'claimTaskReward' | 'myInvites'> = {
  async tasks(_event, ctx) {
    const member = await loadMember(requireUser(ctx))
    const [{ rules }, facts] = await Promise.all([loadRules(TASK_RULES), factsFor(member)])
    return { tasks: taskViews(rules, member, facts) }
  },

  async claimTaskReward(event, ctx) {
    const openid = requireUser(ctx)
    const [{ rules }, { rules: pointRules }, member] = await Promise.all([loadRules(TASK_RULES), loadRules(POINT_RULES), loadMember(openid)])
    const task = rules.tasks.find(t => t.taskId === event.taskId)
    if (!task || !task.enabled) throw new AppError('FAILED_PRECONDITION', '该任务未开放')
    // a purchase is never undone, so it can be counted outside the transaction (queries cannot run inside)
    const facts = event.taskId === 'first_purchase' ? await factsFor(member) : { hasPurchase: false }
    const id = `${openid}:${task.taskId}`
    return transact(async t => {
      const fresh = await memberIn(t, openid)
      if (fresh.taskRewards[task.taskId]) throw new AppError('ALREADY_EXISTS', '该任务奖励已领取')
      const view = taskView(task, fresh, facts)
      if (!view.done) throw new AppError('FAILED_PRECONDITION', `任务未完成：${view.progress}`)
      const change = earnPoints(fresh, task.reward.points, { now: ctx.now, expiryMonths: pointRules.expiryMonths, source: { type: 'task', id }, batchId: id })
      let coupon: CouponDoc | null = null
      if (task.reward.couponTemplateId) {
        coupon = await issueCouponIn(t, { templateId: task.reward.couponTemplateId, member: fresh, channel: 'admin', couponId: couponIdFor.task(openid, task.taskId), now: ctx.now })
      }
      const taskRewards = { ...fresh.taskRewards, [task.taskId]: ctx.now }
      // _.set replaces the map: a plain object would be flattened into dot paths
      await members
        .in(t)
        .doc(openid)
        .update({ data: { taskRewards: _.set(taskRewards), updatedAt: ctx.now } })
      if (change.entries.length) await applyWalletChange(t, fresh, change, { now: ctx.now, operator: openid })
      return {
        task: taskView(task, { ...fresh, taskRewards }, facts),
        pointsAwarded: task.reward.points,
        coupon: coupon ? toCouponView(coupon, ctx.now) : null,
        balance: change.wallet.points,
      }
    })
  },

  async myInvites(_event, ctx) {
    const member = await loadMember(requireUser(ctx))
    const [{ rules }, list, counter] = await Promise.all([
      loadRules(TASK_RULES),
      invites.where({ inviterId: member._id }).orderBy('joinedAt', 'desc').limit(MAX_INVITEES_SHOWN).get(),
      findById(inviteCounters, inviteCounterId(member._id, ctx.now)),
    ])
    // today's nickname (masked), not the one at sign-up; a deleted account shows as such
    const ids = list.data.map(i => i.inviteeId)
    const { data: people } = ids.length
      ? await members
          .where({ _id: _.in(ids) })
          .field({ nickname: true })
          .limit(MAX_INVITEES_SHOWN)
          .get()
      : { data: [] as Array<{ _id: string; nickname: string }> }
    const names = new Map(people.map(p => [String(p._id), String(p.nickname)]))
    const invitees: InviteeView[] = list.data.map(i => ({
      nickname: maskNickname(names.get(i.inviteeId) ?? i.inviteeNickname),
      joinedAt: new Date(i.joinedAt).toISOString(),
      status: i.status,
    }))
    return {
      inviteCode: member.memberNo,
      sharePath: sharePath(member.memberNo),
      invitees,
      rewardedThisMonth: counter?.rewarded ?? 0,
      monthlyCap: rules.referral.monthlyCap,
      reward: { inviter: rules.referral.inviter, invitee: rules.referral.invitee },
    }
  },
}

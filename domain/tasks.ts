/**
 * One-time tasks and invitations: pure functions, time passed in.
 * - complete_profile: a nickname other than the default, a birthday, a gender and an avatar.
 * - bind_phone: a phone is bound. first_checkin: at least one check-in. first_purchase: a purchase
 *   was recorded for the member.
 * - Each task rewards once per member, when done and claimed (and enabled in the task rules).
 * - Invitees are shown to their inviter masked: the nickname's first character and '*'.
 */
import type { Member } from '../types/member'
import type { TaskId, TaskRules, TaskView } from '../types/tasks'
import { DEFAULT_NICKNAME } from './member'
import { shanghaiDay } from './time'

export interface TaskFacts {
  /** a `purchases` doc exists for the member (the member doc's firstPurchaseAt counts too) */
  hasPurchase: boolean
}

export function taskProgress(taskId: TaskId, member: Member, facts: TaskFacts): { done: boolean; progress: string } {
  switch (taskId) {
    case 'complete_profile': {
      const missing = [
        !member.nickname || member.nickname === DEFAULT_NICKNAME ? '昵称' : null,
        member.avatarFileId ? null : '头像',
        member.birthday ? null : '生日',
        member.gender === 'unknown' ? '性别' : null,
      ].filter((x): x is string => x !== null)
      return missing.length ? { done: false, progress: `还差：${missing.join('、')}` } : { done: true, progress: '资料已完善' }
    }
    case 'bind_phone':
      return member.phone ? { done: true, progress: '已绑定手机号' } : { done: false, progress: '还未绑定手机号' }
    case 'first_checkin': {
      const total = member.checkin?.total ?? 0
      return total > 0 ? { done: true, progress: `已签到 ${total} 天` } : { done: false, progress: '还未签到' }
    }
    case 'first_purchase':
      return facts.hasPurchase || member.firstPurchaseAt ? { done: true, progress: '已完成首次消费' } : { done: false, progress: '还未在门店消费' }
  }
}

/** The enabled tasks as the member sees them. */
export function taskViews(rules: TaskRules, member: Member, facts: TaskFacts): TaskView[] {
  return rules.tasks.filter(t => t.enabled).map(t => taskView(t, member, facts))
}

export function taskView(task: TaskRules['tasks'][number], member: Member, facts: TaskFacts): TaskView {
  const { done, progress } = taskProgress(task.taskId, member, facts)
  return { taskId: task.taskId, title: task.title, progress, done, rewarded: Boolean(member.taskRewards?.[task.taskId]), reward: task.reward }
}

/** "张三" → "张*"; emoji and other astral characters count as one character. */
export function maskNickname(nickname: string): string {
  const first = Array.from(nickname.trim())[0]
  return first ? `${first}*` : '*'
}

/** The Shanghai month (YYYY-MM) of `now`: invitation caps count per month. */
export function inviteMonth(now: Date): string {
  return shanghaiDay(now).slice(0, 7)
}

/** The per-inviter, per-month count of rewarded invitations (a doc in `invites`). */
export function inviteCounterId(inviterId: string, now: Date): string {
  return `counter:${inviterId}:${inviteMonth(now)}`
}

export function sharePath(memberNo: string): string {
  return `/pages/index/index?inviteCode=${memberNo}`
}

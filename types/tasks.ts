import { z } from 'zod'
import { templateId } from './coupons'

/** One-time tasks: each rewards once per member, when its condition holds and the member claims it. */
export const TASK_IDS = ['complete_profile', 'bind_phone', 'first_purchase', 'first_checkin'] as const
export type TaskId = (typeof TASK_IDS)[number]

const Reward = z
  .object({
    points: z.number().int().min(0).max(100_000).default(0),
    /** a coupon template issued with the reward (channel `admin`, audience and stock apply) */
    couponTemplateId: templateId.optional(),
  })
  .strict()
export type Reward = z.infer<typeof Reward>

/** Task and referral rules (settings doc `taskRules`). */
export const TaskRulesSchema = z
  .object({
    tasks: z.array(z.object({ taskId: z.enum(TASK_IDS), title: z.string().min(1).max(20), enabled: z.boolean(), reward: Reward }).strict()).max(TASK_IDS.length),
    referral: z
      .object({
        enabled: z.boolean(),
        inviter: Reward,
        invitee: Reward,
        /** rewarded invitations per inviter per calendar month (Shanghai); more invitees still link, without reward */
        monthlyCap: z.number().int().min(0).max(1000),
      })
      .strict(),
  })
  .strict()
  .refine(r => new Set(r.tasks.map(t => t.taskId)).size === r.tasks.length, '任务不能重复')
export type TaskRules = z.infer<typeof TaskRulesSchema>

export const DEFAULT_TASK_RULES: TaskRules = {
  tasks: [
    { taskId: 'complete_profile', title: '完善个人资料', enabled: true, reward: { points: 20 } },
    { taskId: 'bind_phone', title: '绑定手机号', enabled: true, reward: { points: 20 } },
    { taskId: 'first_checkin', title: '完成首次签到', enabled: true, reward: { points: 10 } },
    { taskId: 'first_purchase', title: '完成首次消费', enabled: true, reward: { points: 50 } },
  ],
  referral: { enabled: true, inviter: { points: 100 }, invitee: { points: 50 }, monthlyCap: 10 },
}

export interface TaskView {
  taskId: TaskId
  title: string
  /** e.g. "还差：生日、性别" */
  progress: string
  done: boolean
  rewarded: boolean
  reward: Reward
}

/** An invitee as the inviter sees them: masked. */
export interface InviteeView {
  nickname: string
  joinedAt: string
  /** joined: signed up, no purchase yet · rewarded: first purchase made, both rewarded · over_cap: first purchase made after the month's cap */
  status: 'joined' | 'rewarded' | 'over_cap'
}

export interface InviteSummary {
  /** the member's invite code (their member number), put in the share path */
  inviteCode: string
  sharePath: string
  invitees: InviteeView[]
  rewardedThisMonth: number
  monthlyCap: number
  reward: { inviter: Reward; invitee: Reward }
}

import { z } from 'zod'
import { templateId } from './coupons'

/** One-time tasks: each rewards once per member, when its condition holds and the member claims it. */
export const TASK_IDS = ['complete_profile', 'bind_phone', 'first_purchase', 'first_checkin'] as const
export type TaskId = (typeof TASK_IDS)[number]

/** The Chinese names of the tasks (the 设置 form's picker). */
export const TASK_LABELS: Record<TaskId, string> = { complete_profile: '完善资料', bind_phone: '绑定手机号', first_purchase: '首次消费', first_checkin: '首次签到' }

const Reward = z
  .object({
    points: z.number().int().min(0).max(100_000).default(0).describe('奖励积分'),
    /** a coupon template issued with the reward (channel `admin`, audience and stock apply) */
    couponTemplateId: templateId.optional().meta({ title: '奖励券模板', description: '券模板编号，不填：不发券' }),
  })
  .strict()
export type Reward = z.infer<typeof Reward>

/** Task and referral rules (settings doc `taskRules`); the `.describe()` / `.meta()` texts label the console's 设置 form. */
export const TaskRulesSchema = z
  .object({
    tasks: z
      .array(
        z
          .object({
            taskId: z.enum(TASK_IDS).meta({ title: '任务', enumLabels: TASK_LABELS }),
            title: z.string().min(1).max(20).describe('显示名称'),
            enabled: z.boolean().describe('启用'),
            reward: Reward.describe('奖励'),
          })
          .strict()
          .describe('任务'),
      )
      .max(TASK_IDS.length)
      .meta({ title: '一次性任务', description: '每个任务每位会员只奖励一次；同一任务不能重复' }),
    referral: z
      .object({
        enabled: z.boolean().describe('启用邀请有礼'),
        inviter: Reward.describe('邀请人奖励'),
        invitee: Reward.describe('被邀请人奖励'),
        /** rewarded invitations per inviter per calendar month (Shanghai); more invitees still link, without reward */
        monthlyCap: z.number().int().min(0).max(1000).meta({ title: '每月奖励上限', description: '每位邀请人每月最多奖励几次邀请；超出的仍记邀请关系，不发奖励' }),
      })
      .strict()
      .meta({ title: '邀请有礼', description: '被邀请人首次消费后双方各得奖励' }),
  })
  .strict()
  .refine(r => new Set(r.tasks.map(t => t.taskId)).size === r.tasks.length, { message: '任务不能重复', path: ['tasks'] })
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

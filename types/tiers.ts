import { z } from 'zod'
import { templateId } from './coupons'

/**
 * The tier ladder (`tiers_config/ladder`). Growth value (成长值) = spend and activities over a rolling
 * window of months; a member rises to the highest tier whose threshold the growth reaches as soon as
 * an activity crosses it, and is reviewed (never silently mid-period) `reviewMonths` after reaching
 * the tier: still qualifying → kept for another period; not → after `graceDays` moved down to the
 * tier the growth qualifies for.
 */
export const TierLadderSchema = z
  .object({
    windowMonths: z.number().int().min(1).max(36).meta({ title: '成长值窗口（月）', description: '成长值按最近 N 个月的消费和签到累计' }),
    growth: z
      .object({
        /** growth per yuan paid (after coupons) */
        perYuan: z.number().min(0).max(100).meta({ title: '每元成长值', description: '实付每 1 元（用券后）得多少成长值' }),
        /** growth per check-in day */
        perCheckin: z.number().int().min(0).max(1000).describe('每次签到成长值'),
      })
      .strict()
      .describe('成长值来源'),
    reviewMonths: z.number().int().min(1).max(36).meta({ title: '复核周期（月）', description: '达到等级 N 个月后复核是否保级' }),
    graceDays: z.number().int().min(0).max(365).meta({ title: '降级宽限期（天）', description: '复核不达标后过 N 天才降级，期间成长值回升则保留' }),
    tiers: z
      .array(
        z
          .object({
            tierId: z
              .string()
              .regex(/^[a-z][\w-]{0,31}$/, 'tierId 为小写字母开头的 1–32 位字母数字')
              .meta({ title: '等级编号', description: '小写字母开头，如 gold' }),
            name: z.string().min(1).max(20).describe('等级名称'),
            threshold: z.number().int().min(0).meta({ title: '成长值门槛', description: '第一个等级为 0，之后严格递增' }),
            benefits: z
              .object({
                /** multiplies points from purchases and check-ins */
                pointsMultiplier: z.number().min(1).max(10).meta({ title: '积分倍数', description: '消费和签到积分乘以此倍数（1–10）' }),
                /** issued once when the member reaches the tier */
                upgradeCouponTemplateIds: z.array(templateId.describe('券模板编号')).max(5).default([]).meta({ title: '升级礼券', description: '达到此等级时发一次的券模板（最多 5 个）' }),
                birthdayCouponTemplateId: templateId.optional().meta({ title: '生日券模板', description: '不填：用提醒设置里的生日券' }),
                /** e.g. 首席体验官 for the top tier */
                title: z.string().max(20).optional().meta({ title: '专属称号', description: '如：首席体验官' }),
                perks: z.array(z.string().min(1).max(40).describe('权益')).max(10).default([]).meta({ title: '权益说明', description: '会员页展示的权益（最多 10 条）' }),
              })
              .strict()
              .describe('权益'),
          })
          .strict()
          .describe('等级'),
      )
      .min(1)
      .max(10)
      .refine(ts => ts[0]?.threshold === 0, '第一个等级的门槛必须是 0')
      .refine(ts => ts.every((t, i) => i === 0 || t.threshold > ts[i - 1].threshold), '等级门槛必须严格递增')
      .refine(ts => new Set(ts.map(t => t.tierId)).size === ts.length, 'tierId 不能重复')
      .meta({ title: '等级', description: '从低到高排列：第一个门槛为 0，门槛严格递增，编号不能重复' }),
  })
  .strict()
export type TierLadder = z.infer<typeof TierLadderSchema>
export type TierDef = TierLadder['tiers'][number]

export const DEFAULT_TIER_LADDER: TierLadder = {
  windowMonths: 12,
  growth: { perYuan: 1, perCheckin: 1 },
  reviewMonths: 12,
  graceDays: 30,
  tiers: [
    { tierId: 'base', name: '普通会员', threshold: 0, benefits: { pointsMultiplier: 1, upgradeCouponTemplateIds: [], perks: ['生日礼'] } },
    { tierId: 'silver', name: '银卡会员', threshold: 1000, benefits: { pointsMultiplier: 1.2, upgradeCouponTemplateIds: [], perks: ['生日礼', '积分 1.2 倍'] } },
    { tierId: 'gold', name: '金卡会员', threshold: 3000, benefits: { pointsMultiplier: 1.5, upgradeCouponTemplateIds: [], perks: ['生日礼', '积分 1.5 倍', '专属客服'] } },
    {
      tierId: 'black',
      name: '黑金会员',
      threshold: 10000,
      benefits: { pointsMultiplier: 2, upgradeCouponTemplateIds: [], title: '首席体验官', perks: ['生日礼', '积分 2 倍', '专属客服', '新品优先体验'] },
    },
  ],
}

/** What a member document keeps about its tier (field `tier`). */
export const TierStateSchema = z.object({
  tierId: z.string(),
  /** when the member reached this tier (the review period runs from here) */
  since: z.date(),
  reviewAt: z.date(),
  /** set when a review found the growth short: the move down happens at this instant unless growth recovers */
  downgradeAt: z.date().nullable().default(null),
  /** an admin's manual tier: `floor` = never below it, `override` = exactly it, until `until` (null: no end) */
  manual: z
    .object({ tierId: z.string(), mode: z.enum(['floor', 'override']), until: z.date().nullable(), reason: z.string(), by: z.string(), at: z.date() })
    .nullable()
    .default(null),
})
export type TierState = z.infer<typeof TierStateSchema>

/** The tier card the member page shows: from `tierProgress` in domain/tiers.ts, shared with the client. */
export interface TierProgress {
  tierId: string
  name: string
  title: string | null
  perks: string[]
  pointsMultiplier: number
  /** the growth this tier needs (what keeping it at the review takes) */
  threshold: number
  growth: number
  next: { tierId: string; name: string; threshold: number; missing: number } | null
  /** 0–1 towards the next tier (1 at the top) */
  ratio: number
  reviewAt: string | null
  downgradeAt: string | null
}

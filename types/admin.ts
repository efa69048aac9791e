import { z } from 'zod'
import { PointRulesSchema } from './points'

const openid = z.string().min(1).max(64)
const storeId = z.string().regex(/^[\w-]{1,32}$/, 'storeId 为 1–32 位字母数字')

/** The `admin` function's actions (console JSON events). */
export const AdminEvents = z.discriminatedUnion('action', [
  z.object({ action: z.literal('listMembers'), limit: z.number().int().min(1).max(100).default(20), offset: z.number().int().min(0).default(0) }).strict(),
  z.object({ action: z.literal('getMember'), openid }).strict(),
  z.object({ action: z.literal('upsertStore'), storeId, name: z.string().min(1).max(40), city: z.string().max(20).optional() }).strict(),
  z.object({ action: z.literal('appointStaff'), openid, storeId, name: z.string().min(1).max(20) }).strict(),
  z.object({ action: z.literal('removeStaff'), openid }).strict(),
  z.object({ action: z.literal('listStaff'), storeId: storeId.optional() }).strict(),
  z.object({ action: z.literal('getPointRules') }).strict(),
  z.object({ action: z.literal('setPointRules'), rules: PointRulesSchema }).strict(),
  z
    .object({
      action: z.literal('adjustPoints'),
      openid,
      delta: z.number().int().min(-1_000_000).max(1_000_000).refine(d => d !== 0, 'delta 不能为 0'),
      reason: z.string().min(2, '请写明调整原因').max(100),
      /** makes a console retry harmless */
      requestId: z.string().regex(/^[\w-]{8,64}$/),
    })
    .strict(),
  /** the daily job (timer trigger `expirePoints`): writes `expire` rows for what is left of each expired batch */
  z.object({ action: z.literal('expirePoints'), dryRun: z.boolean().default(false) }).strict(),
])
export type AdminEvent = z.infer<typeof AdminEvents>

/** One line and one example per action: the README's table and `npm run admin -- --help` come from here. */
export const ADMIN_ACTION_DOCS: Record<AdminEvent['action'], { description: string; example: Record<string, unknown> }> = {
  listMembers: { description: '按注册时间倒序分页列出会员', example: { action: 'listMembers', limit: 20, offset: 0 } },
  getMember: { description: '按 openid 查看一位会员的资料', example: { action: 'getMember', openid: 'o_demo_member_1' } },
  upsertStore: { description: '新建或修改门店', example: { action: 'upsertStore', storeId: 'store_sh_002', name: '上海徐汇店', city: '上海' } },
  appointStaff: { description: '任命店员（须是已登录过的会员），归属一个门店', example: { action: 'appointStaff', openid: 'o_demo_member_2', storeId: 'store_sh_001', name: '陈一鸣' } },
  removeStaff: { description: '停用店员（保留记录，active=false）', example: { action: 'removeStaff', openid: 'o_demo_member_2' } },
  listStaff: { description: '列出店员，可按门店筛选', example: { action: 'listStaff', storeId: 'store_sh_001' } },
  getPointRules: { description: '查看积分规则', example: { action: 'getPointRules' } },
  setPointRules: {
    description: '设置积分规则（每元积分、取整、门店/品类倍数、限时多倍积分、有效期月数）',
    example: {
      action: 'setPointRules',
      rules: {
        pointsPerYuan: 1,
        rounding: 'floor',
        storeMultipliers: { store_sh_001: 1.5 },
        categoryMultipliers: { coffee: 2 },
        promotions: [{ name: '双十一双倍积分', start: '2026-11-11T00:00:00+08:00', end: '2026-11-12T00:00:00+08:00', multiplier: 2 }],
        expiryMonths: 12,
      },
    },
  },
  adjustPoints: { description: '人工调整积分（写明原因，记入审计）', example: { action: 'adjustPoints', openid: 'o_demo_member_1', delta: 100, reason: '客诉补偿', requestId: 'adj-20261123-001' } },
  expirePoints: { description: '过期积分清理（每日定时触发；dryRun 只统计）', example: { action: 'expirePoints', dryRun: true } },
}

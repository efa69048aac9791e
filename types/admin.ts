import { z } from 'zod'
import { CheckinRulesSchema } from './checkin'
import { CouponTemplateInputSchema, templateId } from './coupons'
import { clientRequestId, memberNo } from './member'
import { PointRulesSchema } from './points'
import { LifecycleConfigSchema, ModelParamsSchema } from './analytics'
import { ExportSegmentEvent, SegmentRuleSchema, segmentId, type SegmentOutputs } from './segments'
import { ProductInputSchema } from './products'
import { ReminderAdminActions } from './reminders'
import { ImportAdminActions } from './import'
import { OrderAdminActions } from './orders'
import { CampaignAdminActions, type CampaignDryRun, type CampaignReport, type CampaignStartAnswer } from './campaigns'
import { NpsAdminActions, type NpsOutputs } from './nps'
import { ReportAdminActions, type ConsoleReport, type ReportResult } from './report'
import { ConsoleAdminActions, SETTINGS_SECTIONS, type ConsoleOutputs, type StoresOutputs } from './console'
import { ConsentAdminActions, type PrivacyAdminOutputs } from './consent'
import { AttributionAdminActions, type AttributionOutputs } from './attribution'
import { WecomAdminActions, type WecomOutputs } from './wecom'
import { CareAdminActions, type CareOutputs } from './care-tasks'
import { BirthdayAdminActions } from './birthday'
import { TaskRulesSchema } from './tasks'
import { TierLadderSchema } from './tiers'

const openid = z.string().min(1).max(64)
const storeId = z.string().regex(/^[\w-]{1,32}$/, 'storeId 为 1–32 位字母数字')

/** A member by `openid` or by `memberNo` (what the console's 360 shows): exactly one of them. */
const exactlyOneMember = (e: { openid?: string; memberNo?: string }) => (e.openid === undefined) !== (e.memberNo === undefined)
const ONE_MEMBER = { message: '请给出 openid 或 memberNo 之一', path: ['memberNo'] }

/** The `admin` function's actions (console JSON events). */
export const AdminEvents = z.discriminatedUnion('action', [
  z.object({ action: z.literal('listMembers'), limit: z.number().int().min(1).max(100).default(20), offset: z.number().int().min(0).default(0) }).strict(),
  z.object({ action: z.literal('getMember'), openid }).strict(),
  /** '' city clears it */
  z
    .object({
      action: z.literal('upsertStore'),
      storeId,
      name: z.string().trim().min(1, '请填写门店名称').max(40, '门店名称最多 40 个字'),
      city: z.string().trim().max(20, '城市最多 20 个字').optional(),
    })
    .strict(),
  /** the member by `openid` or by `memberNo` (the console's 门店与店员 screen) */
  z
    .object({ action: z.literal('appointStaff'), openid: openid.optional(), memberNo: memberNo.optional(), storeId, name: z.string().trim().min(1, '请填写店员姓名').max(20, '姓名最多 20 个字') })
    .strict()
    .refine(exactlyOneMember, ONE_MEMBER),
  z.object({ action: z.literal('removeStaff'), openid }).strict(),
  /** a store manager: their store's staff, whatever storeId says */
  z.object({ action: z.literal('listStaff'), storeId: storeId.optional() }).strict(),
  /** brand: every store; a store manager: their store */
  z.object({ action: z.literal('listStores') }).strict(),
  /** 设置: a rule document's JSON Schema and current value (the console renders the form from it) */
  z.object({ action: z.literal('settingsForm'), section: z.enum(SETTINGS_SECTIONS) }).strict(),
  z.object({ action: z.literal('getPointRules') }).strict(),
  z.object({ action: z.literal('setPointRules'), rules: PointRulesSchema }).strict(),
  z
    .object({
      action: z.literal('adjustPoints'),
      openid: openid.optional(),
      memberNo: memberNo.optional(),
      delta: z
        .number()
        .int()
        .min(-1_000_000)
        .max(1_000_000)
        .refine(d => d !== 0, 'delta 不能为 0'),
      reason: z.string().min(2, '请写明调整原因').max(100),
      /** makes a console retry harmless */
      requestId: z.string().regex(/^[\w-]{8,64}$/),
    })
    .strict()
    .refine(exactlyOneMember, ONE_MEMBER),
  /** writes `expire` rows for what is left of each expired batch (run daily by dailyJobs) */
  // limit: at most this many members expired in this call (default and cap in admin/index.ts); `more` says a next call goes on
  z.object({ action: z.literal('expirePoints'), dryRun: z.boolean().default(false), limit: z.number().int().min(1).max(5000).optional() }).strict(),
  z.object({ action: z.literal('getCheckinRules') }).strict(),
  z.object({ action: z.literal('setCheckinRules'), rules: CheckinRulesSchema }).strict(),
  z.object({ action: z.literal('getTaskRules') }).strict(),
  z.object({ action: z.literal('setTaskRules'), rules: TaskRulesSchema }).strict(),
  z.object({ action: z.literal('upsertCouponTemplate'), template: CouponTemplateInputSchema }).strict(),
  z.object({ action: z.literal('setCouponTemplateStatus'), templateId, status: z.enum(['active', 'paused']) }).strict(),
  z.object({ action: z.literal('listCouponTemplates'), status: z.enum(['active', 'paused']).optional() }).strict(),
  /** issue a template's coupon to listed members (channel admin); dryRun reports who would get it and why others would not */
  z
    .object({
      action: z.literal('issueCoupons'),
      templateId,
      openids: z.array(openid).max(1000).default([]),
      memberNos: z.array(memberNo).max(1000).default([]),
      /** a saved segment instead of (or besides) a list: its current members, at most 1000 per call */
      segmentId: segmentId.optional(),
      requestId: clientRequestId,
      dryRun: z.boolean().default(false),
    })
    .strict()
    .refine(e => e.segmentId || (e.openids.length + e.memberNos.length > 0 && e.openids.length + e.memberNos.length <= 1000), '请给出 segmentId，或 1–1000 位会员（openids 或 memberNos）'),
  z.object({ action: z.literal('getTierLadder') }).strict(),
  z.object({ action: z.literal('setTierLadder'), ladder: TierLadderSchema }).strict(),
  z.object({ action: z.literal('getLifecycleConfig') }).strict(),
  z.object({ action: z.literal('setLifecycleConfig'), config: LifecycleConfigSchema }).strict(),
  /** a manual tier: floor (never below) or override (exactly), until a date or for good; `clear` removes it */
  z
    .object({
      action: z.literal('setMemberTier'),
      openid: openid.optional(),
      memberNo: memberNo.optional(),
      mode: z.enum(['floor', 'override', 'clear']),
      tierId: z.string().min(1).max(32).optional(),
      until: z.iso.datetime({ offset: true }).nullable().default(null),
      reason: z.string().min(2, '请写明原因').max(100),
    })
    .strict()
    .refine(e => e.mode === 'clear' || e.tierId, { message: 'floor/override 需要 tierId', path: ['tierId'] })
    .refine(exactlyOneMember, ONE_MEMBER),
  z
    .object({
      action: z.literal('tagMembers'),
      openids: z.array(openid).max(1000).default([]),
      memberNos: z.array(memberNo).max(1000).default([]),
      add: z.array(z.string().min(1).max(32)).max(20).default([]),
      remove: z.array(z.string().min(1).max(32)).max(20).default([]),
      /** counts who would change, writes nothing */
      dryRun: z.boolean().default(false),
    })
    .strict()
    .refine(e => e.add.length + e.remove.length > 0, 'add 或 remove 至少一个')
    .refine(e => e.openids.length + e.memberNos.length > 0 && e.openids.length + e.memberNos.length <= 1000, { message: '请给出 1–1000 位会员（openids 或 memberNos）', path: ['memberNos'] }),
  z.object({ action: z.literal('upsertProduct'), product: ProductInputSchema }).strict(),
  /** up to 500 products per call, idempotent per productId (a rerun with the same rows changes nothing) */
  z.object({ action: z.literal('importProducts'), products: z.array(ProductInputSchema).min(1).max(500) }).strict(),
  z
    .object({
      action: z.literal('listProducts'),
      category: z.string().min(1).max(40).optional(),
      onSale: z.boolean().optional(),
      offset: z.number().int().min(0).max(1_000_000).default(0),
      limit: z.number().int().min(1).max(100).default(20),
    })
    .strict(),
  ...Object.values(ReminderAdminActions),
  ...Object.values(ImportAdminActions),
  ...Object.values(OrderAdminActions),
  ...Object.values(CampaignAdminActions),
  ...Object.values(NpsAdminActions),
  ...Object.values(ReportAdminActions),
  ...Object.values(ConsoleAdminActions),
  ...Object.values(ConsentAdminActions),
  ...Object.values(AttributionAdminActions),
  ...Object.values(BirthdayAdminActions),
  ...Object.values(WecomAdminActions),
  ...Object.values(CareAdminActions),
  /** pins the churn/CLV model parameters the daily job uses instead of refitting (null: refit daily again) */
  z.object({ action: z.literal('pinModelParams'), params: ModelParamsSchema.nullable() }).strict(),
  z.object({ action: z.literal('saveSegment'), segmentId, name: z.string().min(1).max(30), rule: SegmentRuleSchema }).strict(),
  /** a saved segment (segmentId) or a rule tried out before saving */
  z
    .object({ action: z.literal('previewSegment'), segmentId: segmentId.optional(), rule: SegmentRuleSchema.optional(), sample: z.number().int().min(0).max(50).default(10) })
    .strict()
    .refine(e => !!e.segmentId !== !!e.rule, '给出 segmentId 或 rule 之一'),
  z.object({ action: z.literal('listSegments') }).strict(),
  z.object({ action: z.literal('deleteSegment'), segmentId }).strict(),
  ExportSegmentEvent,
  /** the daily timer trigger: expirePoints then expireCoupons */
  z.object({ action: z.literal('dailyJobs') }).strict(),
  /** marks coupons past validity `expired` for reports (run daily by dailyJobs) */
  // limit: at most this many coupons marked in this call; `more` says a next call goes on
  z.object({ action: z.literal('expireCoupons'), dryRun: z.boolean().default(false), limit: z.number().int().min(1).max(20_000).optional() }).strict(),
])
export type AdminEvent = z.infer<typeof AdminEvents>

/** The answers of the admin actions that have a contract (the compiler checks the handlers against it). */
export type AdminOutputs = ConsoleOutputs &
  StoresOutputs &
  SegmentOutputs &
  PrivacyAdminOutputs &
  AttributionOutputs &
  Pick<WecomOutputs, 'setStaffWecomUser' | 'setWecomTagSegments'> &
  Pick<NpsOutputs, 'npsReport'> &
  Pick<CareOutputs, 'careReport'> & {
    report: ReportResult
    consoleReport: ConsoleReport
    startCampaign: CampaignStartAnswer | CampaignDryRun
    campaignReport: CampaignReport
  }

/** One line and one example per action: the README's table and `npm run admin -- --help` come from here. */
export const ADMIN_ACTION_DOCS: Record<AdminEvent['action'], { description: string; example: Record<string, unknown> }> = {
  listMembers: { description: '按注册时间倒序分页列出会员', example: { action: 'listMembers', limit: 20, offset: 0 } },
  getMember: { description: '按 openid 查看一位会员的资料', example: { action: 'getMember', openid: 'o_demo_member_1' } },
  upsertStore: { description: '新建或修改门店', example: { action: 'upsertStore', storeId: 'store_sh_002', name: '上海徐汇店', city: '上海' } },
  appointStaff: {
    description: '任命店员（须是已登录过的会员，按 openid 或会员号 memberNo），归属一个门店；记入审计',
    example: { action: 'appointStaff', openid: 'o_demo_member_2', storeId: 'store_sh_001', name: '陈一鸣' },
  },
  removeStaff: { description: '停用店员（保留记录，active=false）', example: { action: 'removeStaff', openid: 'o_demo_member_2' } },
  listStaff: { description: '列出店员（含会员号），可按门店筛选；店长只看本店', example: { action: 'listStaff', storeId: 'store_sh_001' } },
  listStores: { description: '列出门店；店长只看本店', example: { action: 'listStores' } },
  settingsForm: {
    description: '设置表单：积分、签到、任务、等级、提醒或生日礼规则的 JSON Schema（由 zod 生成）与当前值，管理后台据此生成表单',
    example: { action: 'settingsForm', section: 'points' },
  },
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
  expirePoints: { description: '过期积分清理（dailyJobs 每日运行；dryRun 只统计）', example: { action: 'expirePoints', dryRun: true } },
  getCheckinRules: { description: '查看签到规则', example: { action: 'getCheckinRules' } },
  setCheckinRules: {
    description: '设置签到规则（基础积分、连签奖励、周期、限时倍数、补签次数与价格）',
    example: {
      action: 'setCheckinRules',
      rules: {
        basePoints: 5,
        streakBonuses: [
          { day: 7, points: 20 },
          { day: 14, points: 50 },
          { day: 30, points: 100 },
        ],
        cycleDays: 30,
        monthlyReset: false,
        promotions: [{ name: '双十二签到双倍', start: '2026-12-12T00:00:00+08:00', end: '2026-12-13T00:00:00+08:00', multiplier: 2 }],
        makeup: { enabled: true, perMonth: 2, costPoints: 20 },
      },
    },
  },
  getTaskRules: { description: '查看任务与邀请奖励规则', example: { action: 'getTaskRules' } },
  setTaskRules: {
    description: '设置一次性任务奖励与邀请有礼（双方奖励、每月上限）',
    example: {
      action: 'setTaskRules',
      rules: {
        tasks: [
          { taskId: 'complete_profile', title: '完善个人资料', enabled: true, reward: { points: 20 } },
          { taskId: 'bind_phone', title: '绑定手机号', enabled: true, reward: { points: 20 } },
          { taskId: 'first_checkin', title: '完成首次签到', enabled: true, reward: { points: 10 } },
          { taskId: 'first_purchase', title: '完成首次消费', enabled: true, reward: { points: 50, couponTemplateId: 'welcome-10' } },
        ],
        referral: { enabled: true, inviter: { points: 100 }, invitee: { points: 50 }, monthlyCap: 10 },
      },
    },
  },
  upsertCouponTemplate: {
    description: '新建或修改券模板（类型、面额、门槛、有效期、库存、每人限领、人群、渠道、可否叠加）',
    example: {
      action: 'upsertCouponTemplate',
      template: {
        templateId: 'full-100-20',
        name: '满100减20',
        type: 'threshold',
        valueFen: 2000,
        minSpendFen: 10000,
        validity: { kind: 'relative', days: 30 },
        totalStock: 1000,
        perMemberLimit: 1,
        audience: { kind: 'all' },
        channels: ['claim_center'],
        stackable: false,
      },
    },
  },
  setCouponTemplateStatus: { description: '暂停或恢复券模板（暂停后不能再领取、发放或兑换）', example: { action: 'setCouponTemplateStatus', templateId: 'full-100-20', status: 'paused' } },
  listCouponTemplates: { description: '列出券模板及库存、已发和已核销（used）数量', example: { action: 'listCouponTemplates', status: 'active' } },
  issueCoupons: {
    description: '向指定会员发券（dryRun 先看多少人能收到、其余为何不能）',
    example: { action: 'issueCoupons', templateId: 'full-100-20', memberNos: ['1000000001', '1000000002'], requestId: 'issue-20261123-01', dryRun: true },
  },
  getTierLadder: { description: '查看会员等级体系', example: { action: 'getTierLadder' } },
  setTierLadder: {
    description: '设置会员等级（成长值来源、窗口、门槛、权益、复核周期与宽限期）',
    example: {
      action: 'setTierLadder',
      ladder: {
        windowMonths: 12,
        growth: { perYuan: 1, perCheckin: 1 },
        reviewMonths: 12,
        graceDays: 30,
        tiers: [
          { tierId: 'base', name: '普通会员', threshold: 0, benefits: { pointsMultiplier: 1, perks: ['生日礼'] } },
          { tierId: 'silver', name: '银卡会员', threshold: 1000, benefits: { pointsMultiplier: 1.2, perks: ['积分 1.2 倍'] } },
          { tierId: 'gold', name: '金卡会员', threshold: 3000, benefits: { pointsMultiplier: 1.5, upgradeCouponTemplateIds: ['full-100-20'], perks: ['积分 1.5 倍', '专属客服'] } },
          { tierId: 'black', name: '黑金会员', threshold: 10000, benefits: { pointsMultiplier: 2, title: '首席体验官', perks: ['积分 2 倍', '新品优先体验'] } },
        ],
      },
    },
  },
  getLifecycleConfig: { description: '查看生命周期与 RFM 设置', example: { action: 'getLifecycleConfig' } },
  setLifecycleConfig: {
    description: '设置生命周期阈值（新客/活跃/流失天数、忠诚条件）、RFM 分割点与标签规则',
    example: {
      action: 'setLifecycleConfig',
      config: { newDays: 30, activeWithinDays: 90, churnedAfterDays: 180, loyal: { minTenureDays: 365, minPurchases12m: 6 }, rfmCutPoints: null, promoShare: 0.5, categoryShare: 0.4 },
    },
  },
  setMemberTier: {
    description: '手动设置会员等级（floor 保底 / override 指定 / clear 取消），记入审计',
    example: { action: 'setMemberTier', openid: 'o_demo_member_2', mode: 'floor', tierId: 'gold', until: '2027-12-31T23:59:59+08:00', reason: '大客户协议' },
  },
  upsertProduct: {
    description: '新建或修改商品（推荐用的商品目录）',
    example: { action: 'upsertProduct', product: { productId: 'latte-12oz', title: '拿铁 大杯', category: 'coffee', tags: ['咖啡', '热饮'], priceFen: 3200, onSale: true, repeatPurchase: true } },
  },
  importProducts: {
    description: '批量导入商品（每次最多 500 个，按 productId 幂等）',
    example: { action: 'importProducts', products: [{ productId: 'tea-oolong', title: '冻顶乌龙', category: 'tea', tags: ['茶'], priceFen: 2800 }] },
  },
  listProducts: { description: '分页列出商品，可按品类、是否在售筛选', example: { action: 'listProducts', category: 'coffee', onSale: true, limit: 20 } },
  getReminderConfig: { description: '查看提醒设置（各类提醒的模板、字段、频次上限、免打扰时段）', example: { action: 'getReminderConfig' } },
  setReminderConfig: {
    description: '设置提醒：每类提醒对应的订阅消息模板与字段、每周营销消息上限、免打扰时段、优先级',
    example: {
      action: 'setReminderConfig',
      config: {
        kinds: {
          coupon_expiring: {
            enabled: true,
            templateId: 'kW3xQ9yLp2VbNc7dRt5uF0gHjA1sEe4mZ8oIwY6qTvX',
            fields: { thing1: 'couponName', date2: 'expiryDate', thing3: 'note' },
            page: 'pages/coupons/index',
            daysBefore: 3,
          },
          points_expiring: { enabled: false, templateId: '', fields: {}, page: 'pages/points/index', daysBefore: 7 },
          birthday: { enabled: false, templateId: '', fields: {}, page: 'pages/coupons/index', couponTemplateId: null },
          streak_at_risk: { enabled: false, templateId: '', fields: {}, page: 'pages/checkin/index', eveningHour: 19, minStreak: 3 },
          win_back: { enabled: false, templateId: '', fields: {}, page: 'pages/coupons/index', riskThreshold: 0.6, minRise: 0.1, gapDays: 30, couponRules: [], couponTemplateId: null },
          tier_upgraded: { enabled: false, templateId: '', fields: {}, page: 'pages/index/index', withinDays: 7 },
          tier_review: { enabled: false, templateId: '', fields: {}, page: 'pages/index/index', daysBefore: 14 },
          campaign: {
            enabled: true,
            templateId: 'pR8vK2mNw5XcLq9TfB3yHs6DgJ0aUe7iZo4ElW1tQnM',
            fields: { thing1: 'campaignName', thing2: 'campaignMessage', date3: 'endDate' },
            page: 'pages/coupons/index',
          },
        },
        weeklyMarketingCap: 2,
        quietHours: { start: '21:00', end: '09:00' },
        priority: ['coupon_expiring', 'points_expiring', 'tier_review', 'birthday', 'tier_upgraded', 'campaign', 'win_back', 'streak_at_risk'],
        miniprogramState: 'formal',
      },
    },
  },
  startCampaign: {
    description:
      '对人群发券和/或订阅消息（message，经每小时的提醒任务发送，需先启用「活动通知」），随机留出对照组（holdoutPercent%），可重复调用以继续；dryRun 不写入，只算人数、将发的券数及不发的原因',
    example: {
      action: 'startCampaign',
      campaign: {
        campaignId: 'winback-2026-12',
        name: '12 月沉睡唤醒',
        segmentId: 'sleeping-high-value',
        templateId: 'full-100-20',
        message: { text: '回归礼 20 元已到账', page: 'pages/coupons/index' },
        holdoutPercent: 10,
        windowDays: 14,
      },
      dryRun: true,
    },
  },
  campaignReport: {
    description: '活动效果：触达组与对照组在活动期内的购买率、消费与提升（含 95% 区间与 p 值），券的发放与核销、消息的发送数，及服务端渲染的 SVG 效果图（chart）',
    example: { action: 'campaignReport', campaignId: 'winback-2026-12' },
  },
  listCampaigns: { description: '列出营销活动及状态', example: { action: 'listCampaigns' } },
  npsReport: { description: 'NPS（净推荐值）按门店和月份：回答数、推荐者、中立者、贬损者', example: { action: 'npsReport', from: '2026-11-01', to: '2026-11-30' } },
  report: {
    description:
      '经营报表（上海自然日，含首尾，最多 366 天）：阶段×等级、新增会员、复购率、平均与预测 LTV、按入会月留存、各券领取与核销率、签到日活、积分发放/消耗/过期、提醒发送及其后 followUpDays 天内的购买',
    example: { action: 'report', from: '2026-01-01', to: '2026-11-30', followUpDays: 7 },
  },
  consoleReport: {
    description: '管理后台报表：经营报表的各部分及服务端渲染的 SVG 图表；店长只看本店能按门店统计的部分（签到、积分、提醒仅品牌管理员可见）',
    example: { action: 'consoleReport', from: '2026-11-01', to: '2026-11-30', followUpDays: 7 },
  },
  rollupReports: {
    description:
      '报表日汇总：按天汇总到昨天（含前两天重算）、重算有退款/补签/核销的日子、每日会员快照，每次限时一步（dailyJobs 每晚运行；more 为 true 时再调用）；from/to 重算这些天（如导入历史订单后）',
    example: { action: 'rollupReports' },
  },
  dryRunReminders: { description: '预演下一次提醒：谁会收到什么，谁因何被跳过或延后', example: { action: 'dryRunReminders', limit: 200 } },
  pinModelParams: {
    description: '固定流失/CLV 模型参数（BG/NBD r, alpha, a, b；Gamma-Gamma p, q, gamma，单位：周）；null 恢复每日重新拟合',
    example: { action: 'pinModelParams', params: { bg: { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 }, gg: { p: 6.25, q: 3.74, gamma: 15.44 } } },
  },
  tagMembers: { description: '给会员加/去人工标签（dryRun 先看多少人会变）', example: { action: 'tagMembers', openids: ['o_demo_member_1'], add: ['母婴偏好'], remove: [], dryRun: true } },
  saveSegment: {
    description: '保存人群（按等级、阶段、RFM、标签、日期、流失风险、CLV 组合条件）；新规则先计算成员（小品牌当场完成，否则由每日评分任务的定时器继续，期间为「计算中」），之后每日评分时更新',
    example: {
      action: 'saveSegment',
      segmentId: 'sleeping-gold',
      name: '沉睡的金卡以上会员',
      rule: {
        all: [
          { field: 'stage', op: 'eq', value: 'sleeping' },
          { field: 'tierId', op: 'in', value: ['gold', 'black'] },
        ],
      },
    },
  },
  previewSegment: {
    description: '预览人群：人数与样例。已保存且算好的人群按已存成员计数；未保存的规则（或计算中的人群）按前 10,000 位会员抽样估算（estimated）',
    example: { action: 'previewSegment', segmentId: 'sleeping-gold', sample: 10 },
  },
  listSegments: { description: '列出已保存的人群及成员计算状态（membership：ready / computing 与已核对人数）', example: { action: 'listSegments' } },
  deleteSegment: { description: '删除人群', example: { action: 'deleteSegment', segmentId: 'sleeping-gold' } },
  exportSegment: {
    description:
      '导出人群会员为 CSV（UTF-8 带 BOM，最多 50,000 人）到云存储私有目录 exports/，返回 10 分钟内有效的签名下载链接；手机号默认打码，includePhones 导出完整手机号（本操作仅品牌管理员可调用）；记入审计',
    example: { action: 'exportSegment', segmentId: 'sleeping-gold', includePhones: false },
  },
  dailyJobs: {
    description: '夜间定时任务（03:00–05:59 每 10 分钟，分段续跑）：过期积分清理 + 过期券标记 + 待入账订单补入账 + 清理过期接口签名 + 清理过期限流计数 + 报表日汇总',
    example: { action: 'dailyJobs' },
  },
  expireCoupons: { description: '把已过有效期的券标记为已过期（dailyJobs 每日运行；dryRun 只统计）', example: { action: 'expireCoupons', dryRun: true } },
  importMembers: {
    description: '批量导入会员与期初积分（每次最多 500 行，按手机号幂等；未绑定的手机号在会员绑定时领取；dryRun 只出报告）',
    example: {
      action: 'importMembers',
      batchId: 'migr-20261123-001',
      dryRun: true,
      rows: [{ externalId: 'C10086', phone: '13800138000', name: '王小明', birthday: '1990-05-20', joinDate: '2019-03-01', openingPoints: 1200, tierId: 'silver', tags: ['老会员'] }],
    },
  },
  createApiKey: {
    description: '为 POS / 网店创建订单接口密钥（secret 只在此时显示一次，库里只存其哈希；ratePerMinute 为每分钟请求上限）',
    example: { action: 'createApiKey', name: '门店 POS', ratePerMinute: 600 },
  },
  revokeApiKey: { description: '吊销订单接口密钥：之后用它签名的请求一律 401', example: { action: 'revokeApiKey', keyId: 'ak_0123456789abcdef' } },
  listApiKeys: { description: '列出订单接口密钥（不含 secret）', example: { action: 'listApiKeys' } },
  importOrders: {
    description: '导入历史订单（每次最多 200 单，按 source+orderId 幂等；会员未注册的订单待其绑定手机号或认领后入账；awardPoints 为 true 才发积分；dryRun 只出报告）',
    example: {
      action: 'importOrders',
      batchId: 'orders-20261206-001',
      source: 'history',
      awardPoints: false,
      dryRun: true,
      orders: [
        {
          orderId: 'A1001',
          createdAt: '2025-03-08T14:30:00+08:00',
          member: { externalId: 'C10086' },
          amountFen: 5800,
          lines: [{ sku: 'latte', title: '拿铁', category: 'coffee', quantity: 2, priceFen: 2900 }],
        },
      ],
    },
  },
  appointManager: {
    description: '任命店长（须是已登录过的会员，门店须已存在），只能看本店会员、消费、回访与报表；记入审计',
    example: { action: 'appointManager', openid: 'o_demo_member_2', storeId: 'store_sh_001', name: '王店长' },
  },
  removeManager: { description: '撤销店长（保留记录，active=false），记入审计', example: { action: 'removeManager', openid: 'o_demo_member_2' } },
  listManagers: { description: '列出店长，可按门店筛选', example: { action: 'listManagers', storeId: 'store_sh_001' } },
  consoleHome: {
    description: '管理后台概览（上海自然日，含首尾）：会员、新增、活跃、复购率、实收、积分负债、券核销率、NPS，及服务端渲染的 SVG 趋势图；店长只看本店',
    example: { action: 'consoleHome', from: '2026-11-01', to: '2026-11-30' },
  },
  searchMembers: { description: '查找会员：11 位手机号、10 位会员号或昵称开头，最多 20 位，手机号打码；店长只能查到在本店消费过的会员', example: { action: 'searchMembers', query: '13800138000' } },
  member360: {
    description: '会员 360：资料、等级与成长值、RFM、标签、流失风险与预测价值、积分流水、券、消费、提醒、NPS、回访、审计（手机号打码）',
    example: { action: 'member360', memberNo: '1000000001' },
  },
  revealPhone: { description: '显示会员完整手机号（写明原因，记入审计）', example: { action: 'revealPhone', memberNo: '1000000001', reason: '回访客诉' } },
  auditLog: { description: '审计日志：按操作人、操作、对象筛选，时间倒序，before 翻页；店长只看本店', example: { action: 'auditLog', auditAction: 'adjustPoints', limit: 50 } },
  getPrivacyPolicy: { description: '查看用户隐私保护指引（版本、标题、摘要、各节正文；未设置时为默认指引）', example: { action: 'getPrivacyPolicy' } },
  setPrivacyPolicy: {
    description: '设置用户隐私保护指引（整份替换，记入审计）；version 变化后，会员在使用头像、手机号、剪贴板等功能前须重新同意，同一 version 只改文字不会重新征求同意',
    example: {
      action: 'setPrivacyPolicy',
      policy: {
        version: '2026-03',
        title: '用户隐私保护指引',
        summary: '我们处理你的昵称、头像、手机号、生日、消费与积分记录，用于提供会员服务。',
        sections: [{ heading: '你的权利', body: '你可以在「隐私与账号」中导出数据、注销账号或撤回同意。' }],
      },
    },
  },
  createChannelCode: {
    description:
      '生成渠道码（门店码、店员码或活动码）：小程序码（wxacode.getUnlimited，scene c=<channelId>）存入云存储私有目录 exports/，返回 10 分钟内有效的图片链接供打印；同一门店/店员/活动再次调用得到同一渠道（可改名，图片只生成一次）；记入审计',
    example: { action: 'createChannelCode', kind: 'staff', staffOpenid: 'o_demo_staff', name: '静安店 · 店员小王' },
  },
  listChannels: { description: '列出渠道码（门店、店员姓名、scene、打开的页面）及 10 分钟内有效的图片链接', example: { action: 'listChannels' } },
  setStaffWecomUser: {
    description: '店员绑定企业微信账号（UserID，null 解绑）：专属顾问的「联系我」码和客户回调按它找到店员；记入审计',
    example: { action: 'setStaffWecomUser', openid: 'o_demo_member_2', wecomUserId: 'ChenYiMing' },
  },
  careReport: {
    description: '关怀任务（上海自然日，含首尾）：区间内创建的任务按类型、门店、店员统计创建、已发送、已回复、跳过、7 天内购买数和购买率（购买 / 已发送）',
    example: { action: 'careReport', from: '2026-11-01', to: '2026-11-30' },
  },
  setWecomTagSegments: {
    description: '选择同步到企业微信的人群：每个人群作为企业客户标签（与人群同名）打在已关联的客户上，每天评分任务后同步',
    example: { action: 'setWecomTagSegments', segmentIds: ['high-value'] },
  },
  attributionReport: {
    description: '拉新归因（上海自然日，含首尾，最多 366 天）：区间内入会的会员按渠道、门店、店员分组，及其入会后 90 天内的实付金额（扣除退款）',
    example: { action: 'attributionReport', from: '2026-11-01', to: '2026-11-30' },
  },
  getBirthdayGiftRules: { description: '查看生日礼设置（生日周可领的积分与生日券）', example: { action: 'getBirthdayGiftRules' } },
  setBirthdayGiftRules: {
    description: '设置生日礼：会员在生日周（生日前后各 3 天）于首页领取一次的积分和/或生日券（券模板渠道须含 birthday）；记入审计',
    example: { action: 'setBirthdayGiftRules', rules: { enabled: true, points: 200, couponTemplateId: 'birthday-20' } },
  },
  importCouponCodes: {
    description: '给券模板导入合作方兑换码（模板内唯一，重复的逐个拒绝；发券时每张券原子地分到一个码）',
    example: { action: 'importCouponCodes', templateId: 'gift-partner', codes: ['PTN-8H2K-Q9ZX', 'PTN-4M7C-W2RT'], batchId: 'codes-20261123-01', dryRun: true },
  },
}

import type { ConsoleHome, Kpi, Member360, MemberRow } from '../../types/console'
import { couponView } from './backend'

/** A chart the function drew: Chinese text, so the data URI must carry UTF-8 bytes. */
export const TREND_SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="600" height="300"><text x="10" y="20">新增会员</text></svg>'

export function kpis(): Kpi[] {
  return [
    { id: 'members', label: '会员总数', value: 12345, unit: 'count' },
    { id: 'newMembers', label: '新增会员', value: 321, unit: 'count' },
    { id: 'activeMembers', label: '活跃会员', value: 4567, unit: 'count' },
    { id: 'repurchaseRate', label: '复购率', value: 0.3456, unit: 'rate' },
    { id: 'salesFen', label: '实收', value: 123456789, unit: 'fen' },
    { id: 'pointsLiability', label: '积分负债', value: 98765, unit: 'points' },
    { id: 'couponRedemption', label: '券核销率', value: null, unit: 'rate', hint: '该范围内未发券' },
    { id: 'nps', label: 'NPS', value: 42.5, unit: 'score' },
  ]
}

export function consoleHome(overrides: Partial<ConsoleHome> = {}): ConsoleHome {
  return {
    scope: { kind: 'brand' },
    from: '2024-02-28',
    to: '2024-03-05',
    kpis: kpis(),
    charts: [
      { id: 'newMembers', title: '每日新增会员', svg: TREND_SVG },
      { id: 'sales', title: '每日实收', svg: '<svg xmlns="http://www.w3.org/2000/svg"><text>实收 ￥</text></svg>' },
    ],
    ...overrides,
  }
}

export function memberRow(overrides: Partial<MemberRow> = {}): MemberRow {
  return {
    memberNo: '1000000001',
    nickname: '小爱',
    maskedPhone: '138****5678',
    tierName: '银卡会员',
    stage: 'active',
    points: 1280,
    lastPurchaseAt: '2024-03-04T06:05:00.000Z',
    ...overrides,
  }
}

/** A brand admin's 360 of 小爱: every section filled, every action allowed. */
export function member360(overrides: Partial<Member360> = {}): Member360 {
  return {
    member: {
      ...memberRow(),
      avatarFileId: null,
      hasPhone: true,
      birthday: '1990-05-01',
      gender: 'female',
      createdAt: '2023-01-04T16:30:00.000Z',
      valueLayer: 'high',
    },
    tier: {
      tierId: 'silver',
      name: '银卡会员',
      threshold: 1000,
      title: null,
      perks: ['积分 1.2 倍'],
      pointsMultiplier: 1.2,
      growth: 1200,
      next: { tierId: 'gold', name: '金卡会员', threshold: 3000, missing: 1800 },
      ratio: 0.1,
      reviewAt: null,
      downgradeAt: null,
    },
    tierManual: null,
    rfm: { r: 5, f: 4, m: 3, score: 12, layer: 'high' },
    tags: ['咖啡偏好', '大客户'],
    manualTags: ['大客户'],
    churn: { risk: 0.72, reasons: ['已 45 天未消费，超过其平常间隔的 3 倍', '近 3 个月消费次数下降'], expectedPurchases: 1.26, predictedValueFen: 45600, scoredAt: '2024-03-04T19:30:00.000Z' },
    stats: { purchases: 12, spendFen: 345600, firstPurchaseAt: '2023-01-10T02:00:00.000Z', lastPurchaseAt: '2024-03-04T06:05:00.000Z' },
    points: { balance: 1280, expiring: { amount: 200, date: '2024-03-31T15:59:59.999Z' } },
    ledger: [
      { id: 'l2', delta: 46, kind: 'earn', sourceType: 'purchase', balanceAfter: 1280, createdAt: '2024-03-04T06:05:00.000Z' },
      { id: 'l1', delta: -100, kind: 'adjust', sourceType: 'admin', balanceAfter: 1234, createdAt: '2024-03-01T02:00:00.000Z', reason: '重复积分扣回' },
    ] as Member360['ledger'],
    coupons: [couponView()],
    purchases: [
      {
        purchaseId: 'pur_1',
        at: '2024-03-04T06:05:00.000Z',
        storeName: '上海静安旗舰店',
        amountFen: 4600,
        orderFen: 4600,
        discountFen: 0,
        refundedFen: 0,
        status: 'completed',
        pointsEarned: 46,
        pointsReversed: 0,
        lines: [
          { title: '拿铁', quantity: 1, priceFen: 3200 },
          { title: '可颂', quantity: 1, priceFen: 1400 },
        ],
        channel: '门店',
      },
    ],
    reminders: [{ kind: 'coupon_expiring', status: 'sent', at: '2024-03-02T02:00:00.000Z' }],
    nps: [{ score: 9, comment: '拿铁很好喝', storeId: 'store_jingan', at: '2024-03-04T08:00:00.000Z' }],
    followUps: [{ status: 'closed', note: '已致电感谢', storeId: 'store_jingan', at: '2024-03-04T09:00:00.000Z' }],
    audit: [{ id: 'a1', actor: 'o_admin', action: 'adjustPoints', target: 'o_alice', before: null, after: { delta: -100 }, storeId: null, reason: '重复积分扣回', at: '2024-03-01T02:00:00.000Z' }],
    can: { adjustPoints: true, tag: true, tierFloor: true, issueCoupon: true, revealPhone: true },
    wecom: {
      advisor: { staffId: 'o_staff_chen', staffName: '陈一鸣', wecomUserId: 'ChenYiMing', storeId: 'store_jingan', since: '2024-03-04T06:10:00.000Z' },
      contacts: [
        {
          externalUserId: 'wm_alice',
          wecomUserId: 'ChenYiMing',
          status: 'active',
          linkedAt: '2024-03-04T06:10:00.000Z',
          removedAt: null,
          tags: ['高价值会员', '生日月'],
          tagsSyncedAt: '2024-03-05T20:10:00.000Z',
        },
      ],
    },
    signup: { kindLabel: '企业微信', channelName: '企业微信「联系我」', storeId: 'store_jingan', storeName: '上海静安旗舰店', staffName: '陈一鸣', at: '2023-01-04T16:30:00.000Z' },
    careTasks: [{ kindLabel: '差评回访', status: 'open', assigneeName: '陈一鸣', reason: 'NPS 3 分：等太久', template: 'created', createdAt: '2024-03-04T08:00:00.000Z' }],
    ...overrides,
  }
}

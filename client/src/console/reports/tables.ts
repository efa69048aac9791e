/**
 * The figures under each 报表 chart, as pure data: a few headline stats and tables of text cells
 * (phone: cards, desktop: tables — report-table.tsx). What counts is decided by the function
 * (admin.consoleReport); this only formats and says when a section has nothing to show.
 */
import type { ConsoleReport, ReportResult, ReportSectionId, StoreReport } from '../../../../types/report'
import { formatKpi, groupThousands } from '../format'

export interface ReportTable {
  id: string
  head: string[]
  rows: Array<{ key: string; cells: string[]; total?: boolean }>
}

export interface SectionFigures {
  stats: Array<{ id: string; label: string; value: string }>
  tables: ReportTable[]
}

const int = (n: number | null) => (n === null ? '—' : groupThousands(Math.round(n)))
const yuan = (fen: number | null) => formatKpi({ value: fen, unit: 'fen' })
const pct = (r: number | null) => formatKpi({ value: r, unit: 'rate' })
const stat = (id: string, label: string, value: string) => ({ id, label, value })
const row = (key: string, cells: string[], total = false) => ({ key, cells, ...(total ? { total } : {}) })

const COUPON_TYPES: Record<string, string> = { cash: '现金券', percent: '折扣券', threshold: '满减券', gift: '礼品券', makeup_card: '补签卡' }
const SOURCES: Record<string, string> = {
  purchase: '消费',
  refund: '退款',
  admin: '人工调整',
  expiry: '过期',
  checkin: '签到',
  task: '任务奖励',
  exchange: '积分兑换',
  import: '导入',
  birthday: '生日礼',
}

type Sections = ReportResult & StoreReport
type StoreAnswer = Extract<ConsoleReport, { report: StoreReport }>

/** A store manager's answer (TypeScript does not narrow on the nested `scope.kind`). */
const isStore = (answer: ConsoleReport): answer is StoreAnswer => answer.scope.kind === 'store'

/** True when the section has nothing in the range (the screen says so instead of an empty chart). */
export function isSectionEmpty(id: ReportSectionId, answer: ConsoleReport): boolean {
  const r = answer.report as Partial<Sections>
  switch (id) {
    case 'stageTier':
      return !r.stageTier?.total
    case 'newMembers':
      return !r.newMembers?.total
    case 'repurchase':
      return !r.repurchase?.buyers
    case 'ltv':
      return !r.ltv?.total.members
    case 'cohorts':
      return !r.cohorts?.rows.some(c => c.size > 0)
    case 'coupons':
      return isStore(answer) ? !answer.report.coupons.redeemed : !answer.report.coupons.issued
    case 'checkins':
      return !r.checkins || r.checkins.checkins + r.checkins.makeups === 0
    case 'points':
      return !r.points || r.points.issued + r.points.spent + r.points.expired + r.points.reversed === 0
    case 'reminders':
      return !r.reminders || r.reminders.total.sent + r.reminders.total.failed === 0
    case 'nps':
      return !r.nps?.total.responses
  }
}

function stageTier(s: Sections['stageTier']): SectionFigures {
  return {
    stats: [stat('total', '会员', int(s.total))],
    tables: [
      {
        id: 'stageTier',
        head: ['阶段', ...s.tiers.map(t => t.name), '合计'],
        rows: [...s.rows.map(r => row(r.stage, [r.name, ...r.counts.map(int), int(r.total)])), row('total', ['合计', ...s.byTier.map(t => int(t.count)), int(s.total)], true)],
      },
    ],
  }
}

function newMembers(s: Sections['newMembers']): SectionFigures {
  const daily = s.byDay.length <= 31
  const list = daily ? s.byDay.map(d => ({ key: d.day, count: d.count })) : s.byMonth.map(m => ({ key: m.month, count: m.count }))
  return {
    stats: [stat('total', '新增会员', int(s.total))],
    tables: [{ id: 'newMembers', head: [daily ? '日期' : '月份', '新增会员'], rows: [...list.map(d => row(d.key, [d.key, int(d.count)])), row('total', ['合计', int(s.total)], true)] }],
  }
}

function repurchase(s: Sections['repurchase']): SectionFigures {
  return {
    stats: [
      stat('buyers', '购买会员', int(s.buyers)),
      stat('repeatBuyers', '复购会员', int(s.repeatBuyers)),
      stat('rate', '复购率', pct(s.rate)),
      stat('purchases', '消费笔数', int(s.purchases)),
      stat('salesFen', '实收金额', yuan(s.salesFen)),
      stat('avgOrderFen', '客单价', yuan(s.avgOrderFen)),
    ],
    tables: [{ id: 'repurchase', head: ['购买天数', '会员数'], rows: s.distribution.map(d => row(d.days, [`${d.days} 天`, int(d.buyers)])) }],
  }
}

function ltv(s: Sections['ltv'], store: boolean): SectionFigures {
  const rows = [...s.byTier.map(t => ({ t, total: false })), { t: s.total, total: true }]
  if (store) {
    return {
      stats: [stat('avgSpendPerBuyerFen', '人均本店消费', yuan(s.total.avgSpendPerBuyerFen))],
      tables: [
        {
          id: 'ltv',
          head: ['等级', '顾客数', '有消费顾客', '平均本店消费', '人均本店消费（有消费）'],
          rows: rows.map(({ t, total }) => row(t.tierId, [t.name, int(t.members), int(t.buyers), yuan(t.avgSpendFen), yuan(t.avgSpendPerBuyerFen)], total)),
        },
      ],
    }
  }
  return {
    stats: [stat('avgSpendFen', '平均累计消费', yuan(s.total.avgSpendFen)), stat('avgPredictedLtvFen', '平均预测 LTV', yuan(s.total.avgPredictedLtvFen))],
    tables: [
      {
        id: 'ltv',
        head: ['等级', '会员数', '平均累计消费', '有消费会员', '人均消费（有消费）', '已评分', '平均预测价值', '平均预测 LTV', '平均流失风险'],
        rows: rows.map(({ t, total }) =>
          row(t.tierId, [t.name, int(t.members), yuan(t.avgSpendFen), int(t.buyers), yuan(t.avgSpendPerBuyerFen), int(t.scored), yuan(t.avgClvFen), yuan(t.avgPredictedLtvFen), pct(t.avgRisk)], total),
        ),
      },
    ],
  }
}

function cohorts(s: Sections['cohorts']): SectionFigures {
  const offsets = Array.from({ length: s.offsets }, (_x, k) => (k === 0 ? '当月' : `第 ${k} 月`))
  return {
    stats: [],
    tables: [
      {
        id: 'cohorts',
        head: ['入会月份', '人数', ...offsets],
        rows: s.rows.map(c => row(c.month, [c.month, int(c.size), ...c.rates.map((rt, k) => (rt === null ? '' : `${pct(rt)}（${int(c.active[k])}）`))])),
      },
    ],
  }
}

function brandCoupons(s: ReportResult['coupons']): SectionFigures {
  return {
    stats: [stat('issued', '发出', int(s.issued)), stat('redeemed', '已使用', int(s.redeemed)), stat('redemptionRate', '核销率', pct(s.redemptionRate))],
    tables: [
      {
        id: 'coupons',
        head: ['券模板', '类型', '总库存', '发出', '已使用', '已过期', '未使用', '领取率', '核销率'],
        rows: [
          ...s.templates.map(t =>
            row(t.templateId, [
              t.name,
              COUPON_TYPES[t.type] ?? t.type,
              t.totalStock === null ? '不限' : int(t.totalStock),
              int(t.issued),
              int(t.redeemed),
              int(t.expired),
              int(t.available),
              pct(t.claimRate),
              pct(t.redemptionRate),
            ]),
          ),
          row('total', ['合计', '', '', int(s.issued), int(s.redeemed), '', '', '', pct(s.redemptionRate)], true),
        ],
      },
    ],
  }
}

function storeCoupons(s: StoreReport['coupons']): SectionFigures {
  return {
    stats: [stat('redeemed', '本店核销', int(s.redeemed)), stat('discountFen', '优惠金额', yuan(s.discountFen))],
    tables: [
      {
        id: 'coupons',
        head: ['券名称', '核销张数', '优惠金额'],
        rows: [...s.rows.map(c => row(c.name, [c.name, int(c.redeemed), yuan(c.discountFen)])), row('total', ['合计', int(s.redeemed), yuan(s.discountFen)], true)],
      },
    ],
  }
}

function checkins(s: ReportResult['checkins']): SectionFigures {
  const months = new Map<string, { actives: number; makeups: number; points: number }>()
  for (const d of s.byDay) {
    const m = months.get(d.day.slice(0, 7)) ?? { actives: 0, makeups: 0, points: 0 }
    months.set(d.day.slice(0, 7), { actives: m.actives + d.actives, makeups: m.makeups + d.makeups, points: m.points + d.points })
  }
  return {
    stats: [stat('avgDailyActives', '日均签到', String(s.avgDailyActives)), stat('peak', '最高', s.peak ? `${s.peak.day} ${int(s.peak.actives)} 人` : '—')],
    tables: [
      {
        id: 'checkins',
        head: ['月份', '签到人次', '补签', '签到积分'],
        rows: [...[...months].map(([m, v]) => row(m, [m, int(v.actives), int(v.makeups), int(v.points)])), row('total', ['合计', int(s.checkins), int(s.makeups), int(s.points)], true)],
      },
    ],
  }
}

function points(s: ReportResult['points']): SectionFigures {
  return {
    stats: [stat('net', '净变化', int(s.net))],
    tables: [
      {
        id: 'points',
        head: ['月份', '发放', '消耗', '过期', '退款扣回'],
        rows: [
          ...s.byMonth.map(m => row(m.month, [m.month, int(m.issued), int(m.spent), int(m.expired), int(m.reversed)])),
          row('total', ['合计', int(s.issued), int(s.spent), int(s.expired), int(s.reversed)], true),
        ],
      },
      { id: 'points-sources', head: ['来源', '发放', '消耗'], rows: s.bySource.map(x => row(x.sourceType, [SOURCES[x.sourceType] ?? x.sourceType, int(x.issued), int(x.spent)])) },
    ],
  }
}

function reminders(s: ReportResult['reminders']): SectionFigures {
  const cells = (label: string, k: ReportResult['reminders']['total']) => [
    label,
    int(k.sent),
    int(k.failed),
    int(k.members),
    int(k.converted),
    pct(k.conversionRate),
    int(k.followUpPurchases),
    yuan(k.followUpFen),
  ]
  return {
    stats: [stat('conversionRate', '转化率', pct(s.total.conversionRate))],
    tables: [
      {
        id: 'reminders',
        head: ['提醒类型', '发送', '失败', '触达会员', '发送后有购买', '转化率', '后续购买笔数', '后续购买金额'],
        rows: [...s.byKind.map(k => row(k.kind, cells(k.label, k))), row('total', cells('合计', s.total), true)],
      },
    ],
  }
}

function nps(s: Sections['nps']): SectionFigures {
  const cells = (x: Sections['nps']['total']) => [int(x.responses), int(x.promoters), int(x.passives), int(x.detractors), x.nps.toFixed(1)]
  return {
    stats: [stat('nps', 'NPS', s.total.nps.toFixed(1)), stat('responses', '回答', int(s.total.responses))],
    tables: [
      {
        id: 'nps',
        head: ['门店', '月份', '回答', '推荐者', '中立者', '贬损者', 'NPS'],
        rows: [...s.rows.map(x => row(`${x.storeId}-${x.month}`, [x.storeName, x.month, ...cells(x)])), row('total', ['合计', '', ...cells(s.total)], true)],
      },
    ],
  }
}

/** A section's stats and tables; null for a section this answer has no figures for (brand-wide only). */
export function sectionFigures(id: ReportSectionId, answer: ConsoleReport): SectionFigures | null {
  if (answer.brandOnly.includes(id)) return null
  const r = answer.report as Sections
  switch (id) {
    case 'stageTier':
      return stageTier(r.stageTier)
    case 'newMembers':
      return newMembers(r.newMembers)
    case 'repurchase':
      return repurchase(r.repurchase)
    case 'ltv':
      return ltv(r.ltv, isStore(answer))
    case 'cohorts':
      return cohorts(r.cohorts)
    case 'coupons':
      return isStore(answer) ? storeCoupons(answer.report.coupons) : brandCoupons(answer.report.coupons)
    case 'checkins':
      return checkins(r.checkins)
    case 'points':
      return points(r.points)
    case 'reminders':
      return reminders(r.reminders)
    case 'nps':
      return nps(r.nps)
  }
}

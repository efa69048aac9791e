/**
 * The report's charts as ECharts options, one builder per section: pure data (no echarts import, no
 * Node API), so the offline HTML report (scripts/report.ts, full echarts) and the console's 报表
 * (admin.consoleReport, the function's tree-shaken echarts in cloudfunctions/shared/charts.ts) draw
 * the same pictures. A builder answers null when there is nothing to draw.
 */
import type {
  CheckinSection,
  CohortSection,
  CouponSection,
  LtvRow,
  LtvSection,
  NewMembersSection,
  NpsSection,
  PointsSection,
  Rate,
  ReminderSection,
  ReportResult,
  ReportSectionId,
  RepurchaseSection,
  StageTierSection,
  StoreCouponSection,
  StoreReport,
} from '../types/report'
import { bar, category, legend, valueAxis } from './charts'

/** An option and the height it wants (the width is the caller's: 900 in the HTML file, 720 in the console). */
export interface ChartSpec {
  option: Record<string, unknown>
  height: number
}

const HEIGHT = 320

const toYuan = (fen: number | null) => (fen === null ? 0 : Math.round(fen) / 100)
const toPct = (r: Rate) => (r === null ? 0 : Math.round(r * 1000) / 10)
const spec = (option: Record<string, unknown>, height = HEIGHT): ChartSpec => ({ option, height })

/** Members per stage, stacked by tier. */
export function stageTierChart(s: StageTierSection): ChartSpec {
  return spec({
    legend: legend(s.tiers.map(t => t.name)),
    xAxis: category(s.rows.map(row => row.name)),
    yAxis: valueAxis('人数'),
    series: s.tiers.map((t, i) => ({ type: 'bar', name: t.name, stack: 'members', data: s.rows.map(row => row.counts[i]) })),
  })
}

/** Up to 92 days: per day; a longer range per month (`byMonth`). */
export function newMembersChart(s: NewMembersSection): ChartSpec {
  const daily = s.byDay.length <= 92
  const points = daily ? s.byDay.map(d => ({ label: d.day.slice(5), n: d.count })) : s.byMonth.map(m => ({ label: m.month, n: m.count }))
  return spec({
    xAxis: category(
      points.map(p => p.label),
      daily && points.length > 31 ? 45 : 0,
    ),
    yAxis: valueAxis('人数'),
    series: [
      bar(
        daily ? '每日新增' : '每月新增',
        points.map(p => p.n),
      ),
    ],
  })
}

/** Buyers by the number of days they bought on (1, 2, 3, 4, 5+). */
export function repurchaseChart(s: RepurchaseSection): ChartSpec {
  return spec(
    {
      xAxis: { ...category(s.distribution.map(d => `${d.days} 天`)), name: '购买天数' },
      yAxis: valueAxis('会员数'),
      series: [
        bar(
          '购买会员',
          s.distribution.map(d => d.buyers),
        ),
      ],
    },
    280,
  )
}

/** Per tier: average spend so far and, where the daily job scored members (`predicted`), the predicted values. */
export function ltvChart(s: LtvSection, predicted = true): ChartSpec {
  const series: Array<[string, (t: LtvRow) => number]> = [['平均累计消费（元）', t => toYuan(t.avgSpendFen)]]
  if (predicted) series.push(['平均预测 52 周价值（元）', t => toYuan(t.avgClvFen)], ['平均预测 LTV（元）', t => toYuan(t.avgPredictedLtvFen)])
  return spec({
    legend: legend(series.map(([name]) => name)),
    xAxis: category(s.byTier.map(t => t.name)),
    yAxis: valueAxis('元'),
    series: series.map(([name, f]) => bar(name, s.byTier.map(f))),
  })
}

/** Retention heatmap: join month × months after joining, the share who bought. */
export function cohortChart(s: CohortSection): ChartSpec {
  const offsets = cohortOffsets(s.offsets)
  const cells: Array<[number, number, number]> = []
  s.rows.forEach((row, y) => row.rates.forEach((rt, x) => rt !== null && row.size > 0 && cells.push([x, y, toPct(rt)])))
  return spec(
    {
      grid: { left: 80, right: 24, top: 24, bottom: 72 },
      xAxis: { type: 'category', data: offsets, splitArea: { show: true } },
      yAxis: { type: 'category', data: s.rows.map(row => row.month), inverse: true, splitArea: { show: true } },
      visualMap: { type: 'piecewise', min: 0, max: 100, splitNumber: 5, orient: 'horizontal', left: 'center', bottom: 4, formatter: (a: number, b: number) => `${a}%–${b}%` },
      series: [{ type: 'heatmap', name: '留存率', data: cells, emphasis: { disabled: true }, label: { show: s.offsets <= 13, formatter: '{@[2]}%' } }],
    },
    Math.max(200, 80 + s.rows.length * 32),
  )
}

/** The cohort table's column names: 当月, 第 1 月, … */
export function cohortOffsets(n: number): string[] {
  return Array.from({ length: n }, (_x, k) => (k === 0 ? '当月' : `第 ${k} 月`))
}

/** Claim and redemption rate per template that issued coupons in the range; null when none did. */
export function couponChart(s: CouponSection): ChartSpec | null {
  const list = s.templates.filter(t => t.issued > 0)
  if (!list.length) return null
  return spec({
    legend: legend(['领取率（%）', '核销率（%）']),
    xAxis: category(
      list.map(t => t.name),
      list.length > 6 ? 30 : 0,
    ),
    yAxis: { type: 'value', name: '%', max: 100 },
    series: [
      bar(
        '领取率（%）',
        list.map(t => toPct(t.claimRate)),
      ),
      bar(
        '核销率（%）',
        list.map(t => toPct(t.redemptionRate)),
      ),
    ],
  })
}

/** A store's write-offs per coupon; null when there were none. */
export function storeCouponChart(s: StoreCouponSection): ChartSpec | null {
  if (!s.rows.length) return null
  return spec({
    xAxis: category(
      s.rows.map(r => r.name),
      s.rows.length > 6 ? 30 : 0,
    ),
    yAxis: valueAxis('张'),
    series: [
      bar(
        '本店核销',
        s.rows.map(r => r.redeemed),
      ),
    ],
  })
}

export function checkinChart(s: CheckinSection): ChartSpec {
  return spec({
    xAxis: category(
      s.byDay.map(d => d.day.slice(5)),
      s.byDay.length > 31 ? 45 : 0,
    ),
    yAxis: valueAxis('人数'),
    series: [{ type: 'line', name: '签到人数', data: s.byDay.map(d => d.actives), showSymbol: s.byDay.length <= 62, areaStyle: { opacity: 0.15 } }],
  })
}

export function pointsChart(s: PointsSection): ChartSpec {
  return spec({
    legend: legend(['发放', '消耗', '过期', '退款扣回']),
    xAxis: category(s.byMonth.map(m => m.month)),
    yAxis: valueAxis('积分'),
    series: [
      bar(
        '发放',
        s.byMonth.map(m => m.issued),
      ),
      bar(
        '消耗',
        s.byMonth.map(m => m.spent),
      ),
      bar(
        '过期',
        s.byMonth.map(m => m.expired),
      ),
      bar(
        '退款扣回',
        s.byMonth.map(m => m.reversed),
      ),
    ],
  })
}

export function reminderChart(s: ReminderSection): ChartSpec {
  return spec({
    legend: legend(['发送', '发送后有购买']),
    xAxis: category(
      s.byKind.map(k => k.label),
      20,
    ),
    yAxis: valueAxis('条'),
    grid: { left: 64, right: 24, top: 48, bottom: 80 },
    series: [
      bar(
        '发送',
        s.byKind.map(k => k.sent),
      ),
      bar(
        '发送后有购买',
        s.byKind.map(k => k.converted),
      ),
    ],
  })
}

export function npsChart(s: NpsSection): ChartSpec {
  const labels = s.rows.map(x => `${x.storeName} ${x.month}`)
  return spec({
    legend: legend(['NPS']),
    xAxis: category(labels, labels.length > 6 ? 30 : 0),
    yAxis: { type: 'value', name: 'NPS', min: -100, max: 100 },
    grid: { left: 64, right: 24, top: 48, bottom: 90 },
    series: [
      bar(
        'NPS',
        s.rows.map(x => x.nps),
      ),
    ],
  })
}

/** Every chart of the brand's report, by section (the coupons' only when coupons were issued). */
export function reportCharts(r: ReportResult): Array<{ id: ReportSectionId; chart: ChartSpec | null }> {
  return [
    { id: 'stageTier', chart: stageTierChart(r.stageTier) },
    { id: 'newMembers', chart: newMembersChart(r.newMembers) },
    { id: 'repurchase', chart: repurchaseChart(r.repurchase) },
    { id: 'ltv', chart: ltvChart(r.ltv) },
    { id: 'cohorts', chart: cohortChart(r.cohorts) },
    { id: 'coupons', chart: couponChart(r.coupons) },
    { id: 'checkins', chart: checkinChart(r.checkins) },
    { id: 'points', chart: pointsChart(r.points) },
    { id: 'reminders', chart: reminderChart(r.reminders) },
    { id: 'nps', chart: npsChart(r.nps) },
  ]
}

/** A store's charts: the same pictures over its figures (LTV without predictions, coupons = its write-offs). */
export function storeReportCharts(r: StoreReport): Array<{ id: ReportSectionId; chart: ChartSpec | null }> {
  return [
    { id: 'stageTier', chart: stageTierChart(r.stageTier) },
    { id: 'newMembers', chart: newMembersChart(r.newMembers) },
    { id: 'repurchase', chart: repurchaseChart(r.repurchase) },
    { id: 'ltv', chart: ltvChart(r.ltv, false) },
    { id: 'cohorts', chart: cohortChart(r.cohorts) },
    { id: 'coupons', chart: storeCouponChart(r.coupons) },
    { id: 'nps', chart: npsChart(r.nps) },
  ]
}

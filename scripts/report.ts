/**
 * `npm run report -- --from 2026-01-01 --to 2026-11-30 --out report.html`: calls the `admin` function's
 * `report` action as a console caller on a running emulator (like `npm run admin`: `--port <p>` or
 * EMULATOR_PORT, default 9000) and writes ONE self-contained HTML page: charts rendered here as inline
 * SVG by ECharts (server-side, no script, no network), Chinese labels, a table under each chart.
 * `--input <file.json>` renders a saved answer instead (e.g. the CloudBase console's test output for
 * `{"action":"report",…}`), so a real environment's report is rendered the same way.
 */
import fs from 'fs'
import path from 'path'
import * as echarts from 'echarts'
import dayjs from 'dayjs'
import { FONT, renderSvg, type EchartsLike } from '../domain/charts'
import { REPORT_SECTION_TITLES } from '../domain/report'
import {
  checkinChart,
  cohortChart,
  cohortOffsets,
  couponChart,
  ltvChart,
  newMembersChart,
  npsChart,
  pointsChart,
  reminderChart,
  repurchaseChart,
  stageTierChart,
  type ChartSpec,
} from '../domain/report-charts'
import { BRAND_ZONE, shanghaiDay } from '../domain/time'
import { REPORT_FOLLOW_UP_DAYS, type Rate, type ReportResult } from '../types/report'
import { runCli } from './cli'

// ---------------------------------------------------------------------------------------------
// formatting

export function escapeHtml(s: unknown): string {
  return String(s ?? '').replace(/[&<>"']/g, c => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!)
}
const int = (n: number | null | undefined) => (n === null || n === undefined ? '—' : n.toLocaleString('en-US'))
const yuan = (fen: number | null | undefined) => (fen === null || fen === undefined ? '—' : `¥${(fen / 100).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`)
const pct = (r: Rate | undefined) => (r === null || r === undefined ? '—' : `${(r * 100).toFixed(1)}%`)

const COUPON_TYPES: Record<string, string> = { cash: '现金券', percent: '折扣券', threshold: '满减券', gift: '礼品券', makeup_card: '补签卡' }
const SOURCES: Record<string, string> = { purchase: '消费', refund: '退款', admin: '人工调整', expiry: '过期', checkin: '签到', task: '任务奖励', exchange: '积分兑换', import: '导入' }

/** One chart as an SVG string, rendered server-side (no DOM, no animation; option builders in domain/report-charts.ts). */
export function chartSvg(option: Record<string, unknown>, width = 900, height = 320): string {
  return renderSvg(echarts as unknown as EchartsLike, option, width, height)
}

const draw = (chart: ChartSpec) => chartSvg(chart.option, 900, chart.height)

function table(head: string[], rows: Array<Array<string | number>>, cls = ''): string {
  const th = head.map(h => `<th>${escapeHtml(h)}</th>`).join('')
  const body = rows.map(r => `<tr>${r.map(c => `<td>${escapeHtml(c)}</td>`).join('')}</tr>`).join('\n')
  return `<table${cls ? ` class="${cls}"` : ''}><thead><tr>${th}</tr></thead><tbody>\n${body}\n</tbody></table>`
}

function kpis(items: Array<[string, string]>): string {
  return `<div class="kpis">${items.map(([k, v]) => `<div class="kpi"><div class="k">${escapeHtml(k)}</div><div class="v">${escapeHtml(v)}</div></div>`).join('')}</div>`
}

function section(id: string, title: string, note: string, body: string): string {
  return `<section id="${id}">\n<h2>${escapeHtml(title)}</h2>\n<p class="note">${escapeHtml(note)}</p>\n${body}\n</section>`
}

// ---------------------------------------------------------------------------------------------
// sections

export const SECTION_TITLES = { overview: '概览', ...REPORT_SECTION_TITLES } as const

function overview(r: ReportResult): string {
  return section(
    'overview',
    SECTION_TITLES.overview,
    `统计区间 ${r.range.from} 至 ${r.range.to}（上海时间，共 ${r.range.days} 天）；会员分布与 LTV 为生成时的快照。`,
    kpis([
      ['会员总数', int(r.stageTier.total)],
      ['新增会员', int(r.newMembers.total)],
      ['消费笔数', int(r.repurchase.purchases)],
      ['实收金额', yuan(r.repurchase.salesFen)],
      ['复购率', pct(r.repurchase.rate)],
      ['平均预测 LTV', yuan(r.ltv.total.avgPredictedLtvFen)],
      ['券核销率', pct(r.coupons.redemptionRate)],
      ['日均签到人数', String(r.checkins.avgDailyActives)],
      ['积分发放 / 消耗', `${int(r.points.issued)} / ${int(r.points.spent)}`],
      ['提醒发送 / 转化率', `${int(r.reminders.total.sent)} / ${pct(r.reminders.total.conversionRate)}`],
    ]),
  )
}

function stageTier(r: ReportResult): string {
  const s = r.stageTier
  const svg = draw(stageTierChart(s))
  const rows = s.rows.map(row => [row.name, ...row.counts.map(int), int(row.total)])
  rows.push(['合计', ...s.byTier.map(t => int(t.count)), int(s.total)])
  return section(
    'stageTier',
    SECTION_TITLES.stageTier,
    '生命周期阶段（每日任务计算）× 当前会员等级，已注销会员不计。',
    `<div class="chart">${svg}</div>\n${table(['阶段', ...s.tiers.map(t => t.name), '合计'], rows)}`,
  )
}

function newMembers(r: ReportResult): string {
  const s = r.newMembers
  const daily = s.byDay.length <= 92
  const svg = draw(newMembersChart(s))
  const byDay = `<details><summary>按日明细</summary>${table(
    ['日期', '新增会员'],
    s.byDay.map(d => [d.day, int(d.count)]),
  )}</details>`
  return section(
    'newMembers',
    SECTION_TITLES.newMembers,
    `区间内注册的会员，按上海日期${daily ? '按日' : '按月'}统计；合计 ${int(s.total)} 人。`,
    `<div class="chart">${svg}</div>\n${table(['月份', '新增会员'], [...s.byMonth.map(m => [m.month, int(m.count)]), ['合计', int(s.total)]])}\n${byDay}`,
  )
}

function repurchase(r: ReportResult): string {
  const s = r.repurchase
  const svg = draw(repurchaseChart(s))
  return section(
    'repurchase',
    SECTION_TITLES.repurchase,
    '复购率 = 区间内在两个及以上不同日期（上海时间）消费的会员 ÷ 区间内有消费的会员；全额退款的消费不计，部分退款按实收减退款计。',
    `${kpis([
      ['购买会员', int(s.buyers)],
      ['复购会员', int(s.repeatBuyers)],
      ['复购率', pct(s.rate)],
      ['消费笔数', int(s.purchases)],
      ['实收金额', yuan(s.salesFen)],
      ['客单价', yuan(s.avgOrderFen)],
    ])}\n<div class="chart">${svg}</div>\n${table(
      ['购买天数', '会员数'],
      s.distribution.map(d => [`${d.days} 天`, int(d.buyers)]),
    )}`,
  )
}

function ltv(r: ReportResult): string {
  const s = r.ltv
  const rows = [...s.byTier, s.total]
  const svg = draw(ltvChart(s))
  return section(
    'ltv',
    SECTION_TITLES.ltv,
    '累计消费为会员至今实付（扣除退款）；预测价值取每日任务写入的未来 52 周 CLV（BG/NBD + Gamma-Gamma，按年 10% 折现），仅统计已评分会员；预测 LTV = 累计消费 + 预测价值。',
    `<div class="chart">${svg}</div>\n${table(
      ['等级', '会员数', '平均累计消费', '有消费会员', '人均消费（有消费）', '已评分', '平均预测价值', '平均预测 LTV', '平均流失风险'],
      rows.map(t => [t.name, int(t.members), yuan(t.avgSpendFen), int(t.buyers), yuan(t.avgSpendPerBuyerFen), int(t.scored), yuan(t.avgClvFen), yuan(t.avgPredictedLtvFen), pct(t.avgRisk)]),
    )}`,
  )
}

function cohorts(r: ReportResult): string {
  const s = r.cohorts
  const offsets = cohortOffsets(s.offsets)
  const svg = draw(cohortChart(s))
  const rows = s.rows.map(row => [row.month, int(row.size), ...row.rates.map((rt, k) => (rt === null ? '' : `${pct(rt)}（${int(row.active[k])}）`))])
  return section(
    'cohorts',
    SECTION_TITLES.cohorts,
    '区间内入会的会员按入会月份（上海时间）分组；第 k 月 = 入会后第 k 个自然月内有消费的会员占比（括号内为人数），只计到区间结束。',
    `<div class="chart">${svg}</div>\n${table(['入会月份', '人数', ...offsets], rows, 'cohort')}`,
  )
}

function coupons(r: ReportResult): string {
  const s = r.coupons
  const chart = couponChart(s)
  const svg = chart ? draw(chart) : '<p class="empty">区间内没有发出的券。</p>'
  return section(
    'coupons',
    SECTION_TITLES.coupons,
    '按券模板统计区间内发出（领取、兑换、发放）的券：领取率 = 发出数 ÷ 总库存（不限量的券无此项）；核销率 = 已使用 ÷ 发出数（截至生成时）。',
    `<div class="chart">${svg}</div>\n${table(
      ['券模板', '类型', '总库存', '发出', '已使用', '已过期', '未使用', '领取率', '核销率'],
      [
        ...s.templates.map(t => [
          `${t.name}（${t.templateId}）`,
          COUPON_TYPES[t.type] ?? t.type,
          t.totalStock === null ? '不限' : int(t.totalStock),
          int(t.issued),
          int(t.redeemed),
          int(t.expired),
          int(t.available),
          pct(t.claimRate),
          pct(t.redemptionRate),
        ]),
        ['合计', '', '', int(s.issued), int(s.redeemed), '', '', '', pct(s.redemptionRate)],
      ],
    )}`,
  )
}

function checkins(r: ReportResult): string {
  const s = r.checkins
  const svg = draw(checkinChart(s))
  const months = new Map<string, { days: number; actives: number; makeups: number; points: number }>()
  for (const d of s.byDay) {
    const m = months.get(d.day.slice(0, 7)) ?? { days: 0, actives: 0, makeups: 0, points: 0 }
    m.days++
    m.actives += d.actives
    m.makeups += d.makeups
    m.points += d.points
    months.set(d.day.slice(0, 7), m)
  }
  const monthRows = [...months].map(([m, v]) => [m, int(v.actives), (Math.round((v.actives / v.days) * 100) / 100).toString(), int(v.makeups), int(v.points)])
  return section(
    'checkins',
    SECTION_TITLES.checkins,
    `每个上海自然日签到的会员数（补签另计）；日均 ${s.avgDailyActives} 人${s.peak ? `，最高 ${s.peak.day} ${int(s.peak.actives)} 人` : ''}。`,
    `<div class="chart">${svg}</div>\n${table(['月份', '签到人次', '日均签到', '补签', '签到积分'], [...monthRows, ['合计', int(s.checkins), String(s.avgDailyActives), int(s.makeups), int(s.points)]])}\n<details><summary>按日明细</summary>${table(
      ['日期', '签到人数', '补签', '签到积分'],
      s.byDay.map(d => [d.day, int(d.actives), int(d.makeups), int(d.points)]),
    )}</details>`,
  )
}

function points(r: ReportResult): string {
  const s = r.points
  const svg = draw(pointsChart(s))
  return section(
    'points',
    SECTION_TITLES.points,
    `按积分流水（上海时间月份）：发放 = 获得与正向调整，消耗 = 兑换、补签与负向调整，过期 = 到期清零，退款扣回 = 退款冲回。净变化 ${int(s.net)}。`,
    `<div class="chart">${svg}</div>\n${table(['月份', '发放', '消耗', '过期', '退款扣回'], [...s.byMonth.map(m => [m.month, int(m.issued), int(m.spent), int(m.expired), int(m.reversed)]), ['合计', int(s.issued), int(s.spent), int(s.expired), int(s.reversed)]])}\n${table(
      ['来源', '发放', '消耗'],
      s.bySource.map(x => [SOURCES[x.sourceType] ?? x.sourceType, int(x.issued), int(x.spent)]),
    )}`,
  )
}

function reminders(r: ReportResult): string {
  const s = r.reminders
  const svg = draw(reminderChart(s))
  const row = (label: string, k: Omit<ReportResult['reminders']['total'], never>) => [
    label,
    int(k.sent),
    int(k.failed),
    int(k.members),
    int(k.converted),
    pct(k.conversionRate),
    int(k.followUpPurchases),
    yuan(k.followUpFen),
  ]
  return section(
    'reminders',
    SECTION_TITLES.reminders,
    `区间内发送成功的订阅消息，及会员在发送后 ${s.followUpDays} 天内的购买（全额退款不计）；每笔购买只归到它之前最近的一次发送。`,
    `<div class="chart">${svg}</div>\n${table(['提醒类型', '发送', '失败', '触达会员', '发送后有购买', '转化率', '后续购买笔数', '后续购买金额'], [...s.byKind.map(k => row(k.label, k)), row('合计', s.total)])}`,
  )
}

function nps(r: ReportResult): string {
  const s = r.nps
  const svg = draw(npsChart(s))
  const row = (store: string, month: string, x: Omit<ReportResult['nps']['total'], never>) => [store, month, int(x.responses), int(x.promoters), int(x.passives), int(x.detractors), x.nps.toFixed(1)]
  return section(
    'nps',
    SECTION_TITLES.nps,
    `消费后邀请评价（0–10 分）的回答，按购买门店与回答时的上海月份；NPS = 推荐者（9–10 分）占比 − 贬损者（0–6 分）占比，跳过的不计。共 ${int(s.total.responses)} 份，NPS ${s.total.nps.toFixed(1)}。`,
    `<div class="chart">${svg}</div>\n${table(['门店', '月份', '回答', '推荐者', '中立者', '贬损者', 'NPS'], [...s.rows.map(x => row(x.storeName, x.month, x)), row('合计', '', s.total)])}`,
  )
}

const CSS = `
body { font-family: ${FONT}; color: #222; margin: 0; background: #f5f6f8; }
header { background: #1f2d3d; color: #fff; padding: 20px 32px; }
header h1 { margin: 0 0 6px; font-size: 24px; }
header p { margin: 0; opacity: .8; }
nav { padding: 8px 32px; background: #fff; border-bottom: 1px solid #e5e7eb; font-size: 14px; }
nav a { margin-right: 14px; color: #3b5bdb; text-decoration: none; }
main { max-width: 980px; margin: 0 auto; padding: 16px; }
section { background: #fff; border-radius: 8px; padding: 16px 24px; margin: 16px 0; box-shadow: 0 1px 2px rgba(0,0,0,.06); }
h2 { font-size: 19px; margin: 4px 0 6px; }
.note { color: #666; font-size: 13px; margin: 0 0 12px; }
.chart svg { max-width: 100%; height: auto; }
table { border-collapse: collapse; width: 100%; margin: 12px 0; font-size: 13px; }
th, td { border: 1px solid #e5e7eb; padding: 5px 8px; text-align: right; white-space: nowrap; }
th:first-child, td:first-child { text-align: left; }
th { background: #f3f4f6; }
tbody tr:last-child td { font-weight: 600; }
details tbody tr:last-child td { font-weight: normal; }
.kpis { display: flex; flex-wrap: wrap; gap: 10px; }
.kpi { flex: 1 1 150px; background: #f8f9fb; border-radius: 6px; padding: 10px 12px; }
.kpi .k { color: #666; font-size: 12px; }
.kpi .v { font-size: 20px; font-weight: 600; margin-top: 4px; }
.empty { color: #999; }
@media print { body { background: #fff; } section { box-shadow: none; page-break-inside: avoid; } nav { display: none; } }
`

/** The whole page: one self-contained HTML file (inline CSS and SVG, no script, no external resource). */
export function renderReportHtml(r: ReportResult): string {
  const generated = dayjs(r.generatedAt).tz(BRAND_ZONE).format('YYYY-MM-DD HH:mm')
  const nav = Object.entries(SECTION_TITLES)
    .map(([id, title]) => `<a href="#${id}">${escapeHtml(title)}</a>`)
    .join('')
  const body = [overview, stageTier, newMembers, repurchase, ltv, cohorts, coupons, checkins, points, reminders, nps].map(f => f(r)).join('\n')
  return `<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>会员经营报表 ${escapeHtml(r.range.from)} 至 ${escapeHtml(r.range.to)}</title>
<style>${CSS}</style>
</head>
<body>
<header><h1>会员经营报表</h1><p>${escapeHtml(r.range.from)} 至 ${escapeHtml(r.range.to)}（上海时间，${r.range.days} 天） · 生成于 ${escapeHtml(generated)}</p></header>
<nav>${nav}</nav>
<main>
${body}
</main>
</body>
</html>
`
}

// ---------------------------------------------------------------------------------------------
// CLI

export interface ReportArgs {
  from: string
  to: string
  out: string
  port: number
  followUpDays: number
  input: string | null
}

export function parseReportArgs(argv: string[], now = new Date()): ReportArgs {
  const take = (flag: string): string | undefined => {
    const i = argv.indexOf(flag)
    if (i < 0) return undefined
    const v = argv[i + 1]
    if (v === undefined || v.startsWith('--')) throw new Error(`${flag} needs a value`)
    return v
  }
  if (argv.includes('--help') || argv.includes('-h')) throw new Error(usage())
  const known = new Set(['--from', '--to', '--out', '--port', '--follow-up-days', '--input'])
  for (let i = 0; i < argv.length; i += 2) if (!known.has(argv[i])) throw new Error(`unknown argument: ${argv[i]}\n${usage()}`)
  const today = shanghaiDay(now)
  const to = take('--to') ?? today
  const from = take('--from') ?? dayjs.tz(`${to} 12:00`, BRAND_ZONE).subtract(29, 'day').format('YYYY-MM-DD')
  const port = Number(take('--port') ?? process.env.EMULATOR_PORT ?? 9000)
  const followUpDays = Number(take('--follow-up-days') ?? REPORT_FOLLOW_UP_DAYS)
  if (!Number.isInteger(port) || port <= 0) throw new Error('--port must be a port number')
  if (!Number.isInteger(followUpDays)) throw new Error('--follow-up-days must be a whole number')
  for (const [flag, v] of [
    ['--from', from],
    ['--to', to],
  ])
    if (!/^\d{4}-\d{2}-\d{2}$/.test(v)) throw new Error(`${flag} must be YYYY-MM-DD, got ${v}`)
  return { from, to, out: take('--out') ?? 'report.html', port, followUpDays, input: take('--input') ?? null }
}

function usage(): string {
  return [
    'usage: npm run report -- [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--out report.html] [--port <p>] [--follow-up-days 7]',
    '       npm run report -- --input saved-answer.json [--out report.html]',
    '',
    'Calls admin.report on the local emulator (default port 9000 or EMULATOR_PORT; default range: the last 30 Shanghai days)',
    'and writes one self-contained HTML page. --input renders a saved answer of the report action instead.',
  ].join('\n')
}

/** A function answer `{ ok, data }` or the bare report. */
export function reportFromAnswer(answer: unknown): ReportResult {
  const a = answer as { ok?: boolean; data?: unknown; code?: string; message?: string }
  // a function's own failure ({ ok: false }) or the platform's (FUNCTIONS_EXECUTE_FAIL, FUNCTIONS_TIME_LIMIT_EXCEEDED, …)
  if (a && (a.ok === false || (a.ok === undefined && typeof a.code === 'string'))) throw new Error(`admin.report failed: ${a.code}: ${a.message}`)
  const r = (a && a.ok === true ? a.data : a) as ReportResult
  if (!r || typeof r !== 'object' || !r.range || !r.stageTier) throw new Error('not a report answer (expected { ok: true, data: { range, stageTier, … } })')
  return r
}

export async function fetchReport(args: ReportArgs): Promise<ReportResult> {
  const url = `http://127.0.0.1:${args.port}/functions/admin`
  let res: Response
  try {
    res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ action: 'report', from: args.from, to: args.to, followUpDays: args.followUpDays }),
    })
  } catch {
    throw new Error(`cannot reach the emulator at ${url}: start it with npm start (or npm run emulator)`)
  }
  const text = await res.text()
  let body: unknown
  try {
    body = JSON.parse(text)
  } catch {
    throw new Error(`unexpected answer (${res.status}): ${text.slice(0, 300)}`)
  }
  return reportFromAnswer(body)
}

async function writeReport(args: ReportArgs): Promise<void> {
  const report = args.input ? reportFromAnswer(JSON.parse(fs.readFileSync(args.input, 'utf8'))) : await fetchReport(args)
  const out = path.resolve(args.out)
  fs.writeFileSync(out, renderReportHtml(report))
  console.log(`wrote ${out} (${report.range.from} – ${report.range.to})`)
}

if (require.main === module) void runCli(argv => parseReportArgs(argv), writeReport)

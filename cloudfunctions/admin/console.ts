/**
 * The operator console (管理): store managers (店长), the 概览 dashboard and the audit log; the member
 * screens are in console-member.ts. Who may do what is decided here (shared/access.ts), never by the
 * client: managers are appointed by brand admins (requireAdmin); the console reads use
 * requireOperator — the brand sees every store, a manager their own store only.
 */
import type { AdminActions } from './actions'
import { CONSOLE_RANGE_MAX_DAYS, type ChartView, type ConsoleHome, type Kpi, type OperatorScope } from '../../types/console'
import { AppError } from '../../types/result'
import { bar, category, legend, line, valueAxis } from '../../domain/charts'
import { npsScore } from '../../domain/nps'
import { daysOf, rangeBounds, rate, repurchaseSection, stageTierSection } from '../../domain/report'
import { buyerDaysPipeline, dailySalesPipeline, joinedByDayPipeline, storeBuyersPipeline, storeNewMembersPipeline } from '../../domain/report-pipelines'
import { requireOperator } from '../shared/access'
import { actorOf, audit } from '../shared/audit'
import { chartSvg } from '../shared/charts'
import { _ } from '../shared/cloud'
import { auditLog, auditRow } from '../shared/collections/audit_log'
import { coupons as couponRows } from '../shared/collections/coupons'
import { managers } from '../shared/collections/managers'
import { members } from '../shared/collections/members'
import { npsResponses as npsRows } from '../shared/collections/nps_responses'
import { purchases } from '../shared/collections/purchases'
import { refunds } from '../shared/collections/refunds'
import { stores } from '../shared/collections/stores'
import { isDeleted, memberById } from '../shared/members'
import { findById, readAll } from '../shared/query'
import { loadRules, TIER_LADDER } from '../shared/rules'
import type { Doc } from '../shared/sdk-types'
import { consoleMemberActions } from './console-member'
import { grouped, pipeline } from './report'
import { latestSnapshot } from './report-rollup'

/** The member snapshot's rows per stage × tier (n, points), none before the daily job's first. */
async function brandSnapshot(now: Date): Promise<Doc[]> {
  const snap = await latestSnapshot(now)
  return (snap?.rows ?? []) as unknown as Doc[]
}

const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : 0)
const sumOf = (rows: Doc[], f: string) => rows.reduce((s, r) => s + num(r[f]), 0)

/** `auditLog`'s `next`: "<ISO instant>~<row id>" (a bare ISO instant, as older clients send, still pages by time). */
const auditCursor = (row: { at: string; id: string }) => `${row.at}~${row.id}`
function parseAuditCursor(cursor: string): { at: Date; id: string | null } {
  const [at, id] = cursor.split('~')
  return { at: new Date(at), id: id || null }
}

function managerView(row: Doc) {
  return { openid: String(row._id), storeId: String(row.storeId), name: String(row.name ?? ''), active: row.active === true }
}

/** A whole-range daily series from `{ day, … }` rows (days without rows are 0). */
function daily(days: string[], rows: Doc[], field: string): number[] {
  const by = new Map(rows.map(r => [String(r.day), num(r[field])]))
  return days.map(d => by.get(d) ?? 0)
}

function dayChart(id: string, title: string, days: string[], name: string, data: number[], unit: string): ChartView {
  const labels = days.map(d => d.slice(5))
  const series = days.length <= 31 ? bar(name, data) : line(name, data, { areaStyle: { opacity: 0.15 } })
  return { id, title, svg: chartSvg({ xAxis: category(labels, days.length > 31 ? 45 : 0), yAxis: valueAxis(unit), series: [series] }, 720, 300) }
}

export const adminConsoleActions: Pick<AdminActions, 'appointManager' | 'removeManager' | 'listManagers' | 'consoleHome' | 'searchMembers' | 'member360' | 'revealPhone' | 'auditLog'> = {
  ...consoleMemberActions,

  async appointManager(event, ctx) {
    const [store, member, before] = await Promise.all([findById(stores, event.storeId), memberById(event.openid), findById(managers, event.openid)])
    if (!store) throw new AppError('NOT_FOUND', `门店不存在：${event.storeId}（先用 upsertStore 创建）`)
    if (!member || isDeleted(member)) throw new AppError('NOT_FOUND', `店长须是已登录过小程序的会员：${event.openid}`)
    const after = { storeId: event.storeId, name: event.name, active: true, createdAt: before?.createdAt ?? ctx.now, updatedAt: ctx.now, appointedBy: actorOf(ctx) }
    await managers.doc(event.openid).set({ data: after })
    await audit({ actor: actorOf(ctx), action: 'appointManager', target: event.openid, before, after, storeId: event.storeId, at: ctx.now })
    return { openid: event.openid, storeId: event.storeId, name: event.name }
  },

  async removeManager(event, ctx) {
    const before = await findById(managers, event.openid)
    if (!before) throw new AppError('NOT_FOUND', `不是店长：${event.openid}`)
    if (before.active !== true) return { openid: event.openid, removed: false }
    await managers.doc(event.openid).update({ data: { active: false, updatedAt: ctx.now } })
    await audit({ actor: actorOf(ctx), action: 'removeManager', target: event.openid, before: { active: true }, after: { active: false }, storeId: before.storeId, at: ctx.now })
    return { openid: event.openid, removed: true }
  },

  async listManagers(event) {
    const rows = await readAll(managers.where(event.storeId ? { storeId: event.storeId } : {}).orderBy('_id', 'asc'))
    return { managers: rows.map(managerView) }
  },

  /**
   * 概览 for Shanghai days from–to. Everything is grouped by the database (aggregates over indexed
   * ranges, the report's pipelines), a handful of rows come back; a store manager's figures are their
   * store's (purchases, refunds, NPS by storeId).
   */
  async consoleHome(event, ctx): Promise<ConsoleHome> {
    const scope: OperatorScope = await requireOperator(ctx)
    const range = { from: event.from, to: event.to }
    const days = daysOf(range)
    if (days.length > CONSOLE_RANGE_MAX_DAYS) throw new AppError('INVALID_ARGUMENT', `日期范围最多 ${CONSOLE_RANGE_MAX_DAYS} 天`, [{ path: 'to', message: 'range too long' }])
    const { start, end } = rangeBounds(range)
    const inRange = () => _.gte(start).and(_.lt(end))
    const storeId = scope.kind === 'store' ? scope.storeId : null
    const byStore = storeId ? { storeId } : {}
    const $ = _.aggregate
    const none = async (): Promise<Doc[]> => []

    const [store, { rules: ladder }, snapshot, joined, storeMembers, storeNew, buyerDays, sales, paid, refunded, coupons, nps] = await Promise.all([
      storeId ? findById(stores, storeId) : Promise.resolve(null),
      loadRules(TIER_LADDER),
      // the brand: the daily job's member snapshot per stage × tier (report-rollup.ts) — the total, the points held, the chart
      storeId ? none() : brandSnapshot(ctx.now),
      storeId ? none() : pipeline(members, joinedByDayPipeline(range)),
      storeId ? pipeline(purchases, storeBuyersPipeline(storeId)) : none(),
      storeId ? pipeline(purchases, storeNewMembersPipeline(range, storeId)) : none(),
      pipeline(purchases, buyerDaysPipeline(range, byStore)),
      pipeline(purchases, dailySalesPipeline(range, byStore)),
      grouped(purchases, { ...byStore, createdAt: inRange() }, { _id: null, fen: $.sum('$amountFen') }),
      grouped(refunds, { ...byStore, createdAt: inRange() }, { _id: null, fen: $.sum('$amountFen') }),
      storeId ? none() : grouped(couponRows, { issuedAt: inRange() }, { _id: '$status', n: $.sum(1) }),
      grouped(npsRows, { ...byStore, at: inRange(), dismissed: false }, { _id: '$category', n: $.sum(1) }),
    ])

    const repurchase = repurchaseSection(buyerDays.map(r => ({ days: num(r.days), buyers: num(r.buyers), purchases: num(r.purchases), salesFen: num(r.salesFen) })))
    const npsBy = (c: string) => num(nps.find(r => r._id === c)?.n)
    const npsResponses = sumOf(nps, 'n')
    const issued = sumOf(coupons, 'n')
    const redeemed = num(coupons.find(r => r._id === 'used')?.n)

    const kpis: Kpi[] = storeId
      ? [
          { id: 'members', label: '本店会员', value: num(storeMembers[0]?.n), unit: 'count', hint: '在本店消费过的会员（会员不归属门店）' },
          { id: 'newMembers', label: '新增会员', value: num(storeNew[0]?.n), unit: 'count', hint: '区间内注册且在本店消费过的会员' },
        ]
      : [
          { id: 'members', label: '会员总数', value: sumOf(snapshot, 'n'), unit: 'count', hint: '不含已注销（每日任务汇总的会员快照；尚无快照且会员不多时即时统计）' },
          { id: 'newMembers', label: '新增会员', value: sumOf(joined, 'n'), unit: 'count', hint: '区间内注册的会员' },
        ]
    kpis.push(
      { id: 'activeMembers', label: '活跃会员', value: repurchase.buyers, unit: 'count', hint: `区间内${storeId ? '在本店' : ''}有消费的会员（全额退款的消费不计）` },
      { id: 'repurchaseRate', label: '复购率', value: repurchase.rate, unit: 'rate', hint: '区间内在两个及以上不同日期消费的会员 ÷ 有消费的会员（与经营报表一致）' },
      { id: 'salesFen', label: '实收金额', value: num(paid[0]?.fen) - num(refunded[0]?.fen), unit: 'fen', hint: '区间内消费实付 − 区间内退款' },
      storeId
        ? { id: 'pointsLiability', label: '积分负债', value: null, unit: 'points', hint: '积分全品牌通用，不按门店统计' }
        : { id: 'pointsLiability', label: '积分负债', value: sumOf(snapshot, 'points'), unit: 'points', hint: '会员持有的积分合计（每日会员快照）' },
      storeId
        ? { id: 'couponRedemption', label: '券核销率', value: null, unit: 'rate', hint: '券由品牌发放，不按门店统计' }
        : { id: 'couponRedemption', label: '券核销率', value: rate(redeemed, issued), unit: 'rate', hint: `区间内发出 ${issued} 张，已使用 ${redeemed} 张` },
      {
        id: 'nps',
        label: 'NPS',
        value: npsResponses ? npsScore(npsBy('promoter'), npsBy('detractor'), npsResponses) : null,
        unit: 'score',
        hint: `区间内 ${npsResponses} 份评价：推荐者占比 − 贬损者占比`,
      },
    )

    const charts: ChartView[] = [
      storeId
        ? dayChart('dailyBuyers', '每日消费会员', days, '消费会员', daily(days, sales, 'buyers'), '人')
        : dayChart('dailyNewMembers', '每日新增会员', days, '新增会员', daily(days, joined, 'n'), '人'),
      dayChart(
        'dailySales',
        '每日实收（元，扣除该笔退款）',
        days,
        '实收',
        daily(days, sales, 'salesFen').map(f => Math.round(f) / 100),
        '元',
      ),
    ]
    if (!storeId) {
      const st = stageTierSection(
        snapshot.map(r => ({ stage: typeof r.stage === 'string' ? r.stage : null, tierId: typeof r.tierId === 'string' ? r.tierId : null, n: num(r.n), spendFen: 0 })),
        ladder.tiers.map(t => ({ tierId: t.tierId, name: t.name })),
      )
      charts.push({
        id: 'stageTier',
        title: '会员阶段 × 等级',
        svg: chartSvg(
          {
            legend: legend(st.tiers.map(t => t.name)),
            xAxis: category(st.rows.map(r => r.name)),
            yAxis: valueAxis('人数'),
            series: st.tiers.map((t, i) => ({ type: 'bar', name: t.name, stack: 'members', data: st.rows.map(r => r.counts[i]) })),
          },
          720,
          300,
        ),
      })
    }

    return {
      scope: storeId ? { kind: 'store', storeId, storeName: String(store?.name ?? storeId) } : { kind: 'brand' },
      from: event.from,
      to: event.to,
      kpis,
      charts,
    }
  },

  /** Newest first; `next` (the last row's `at`) when a full page came back. A manager: their store's rows only. */
  async auditLog(event, ctx) {
    const scope = await requireOperator(ctx)
    const where: Record<string, unknown> = {}
    if (event.actor) where.actor = event.actor
    if (event.auditAction) where.action = event.auditAction
    if (event.target) where.target = event.target
    if (scope.kind === 'store') where.storeId = scope.storeId
    // the cursor is the last row's (at, id): rows written in the same millisecond (one call's batch) are neither skipped nor repeated
    const cursor = event.before ? parseAuditCursor(event.before) : null
    const query = !cursor
      ? where
      : cursor.id
        ? _.or([
            { ...where, at: _.lt(cursor.at) },
            { ...where, at: cursor.at, _id: _.lt(cursor.id) },
          ])
        : { ...where, at: _.lt(cursor.at) }
    const { data } = await auditLog.where(query).orderBy('at', 'desc').orderBy('_id', 'desc').limit(event.limit).get()
    const rows = data.map(auditRow)
    const last = rows[rows.length - 1]
    return { rows, next: rows.length === event.limit ? auditCursor(last) : null }
  },
}

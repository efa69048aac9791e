/** `admin`: console, timers and other functions (no OPENID), or a mini-program user on the `admins` list. */
import type { AdminActions } from './actions'
import { AdminEvents } from '../../types/admin'
import type { Member } from '../../types/member'
import type { PointRules } from '../../types/points'
import { AppError } from '../../types/result'
import { toProfile } from '../../domain/member'
import { earnPoints, expireDue, spendPoints, type WalletChange } from '../../domain/points'
import { actorOf, audit, auditIn } from '../shared/audit'
import { _ } from '../shared/cloud'
import { ledger } from '../shared/collections/points_ledger'
import { staffRows as staffColl, staffView, type StaffRow } from '../shared/collections/staff'
import { stores, storeView } from '../shared/collections/stores'
import { defineFunction } from '../shared/handler'
import { derivedId } from '../shared/ids'
import { isDeleted, memberById, members, parseMember } from '../shared/members'
import { docsByIds, findById, readAll } from '../shared/query'
import { CHECKIN_RULES, loadRules, POINT_RULES, saveRules, TASK_RULES } from '../shared/rules'
import type { Doc } from '../shared/sdk-types'
import { getInTransaction, transact } from '../shared/transaction'
import { applyWalletChange, ledgerId } from '../shared/wallet'

import { requireAdmin, requireOperator } from '../shared/access'
import { OPERATOR_ACTIONS, type StaffView } from '../../types/console'
import { adminCampaignActions } from './campaigns'
import { adminConsoleActions } from './console'
import { adminNpsActions } from './nps'
import { adminCouponActions, expireDueCoupons } from './coupons'
import { adminImportActions } from './import'
import { adminOrderActions, ordersSweep } from './orders'
import { removeExpiredCounters } from '../shared/rate-limit'
import { adminProductActions } from './products'
import { adminReminderActions } from './reminders'
import { adminReportActions } from './report'
import { rollupStep } from './report-rollup'
import { adminSettingsActions } from './settings'
import { adminSegmentActions } from './segments'
import { adminTierActions } from './tiers'
import { memberIdOf } from './member-ref'
import { adminPrivacyActions } from './privacy'
import { adminAttributionActions } from './attribution'
import { adminBirthdayActions } from './birthday'
import { adminWecomActions } from './wecom'
import { adminCareActions } from './care'

/** The expiry job stops starting new members after this long (the function's timeout is 20 s); the next run continues. */
const EXPIRY_TIME_BUDGET_MS = 14_000
const EXPIRY_CONCURRENCY = 4
/** members expired per call at most (a call's work never grows with the brand), read in pages of EXPIRY_PAGE */
const EXPIRY_STEP = 2000
const EXPIRY_PAGE = 200
/** a call that saw this many members fail stops (they stay due: the next call retries them) */
const EXPIRY_MAX_FAILED = 20
/** dailyJobs' shares of its 20 s timeout: expiring points, then coupons; the order sweep gets the rest */
const DAILY_POINTS_BUDGET_MS = 8_000
const DAILY_COUPONS_BUDGET_MS = 3_000

interface ExpiryTotals {
  members: number
  rows: number
  points: number
}

/** What a dry run would expire now: one aggregate whose leading $match the `pointBatches.expiresAt` index bounds. */
async function dueExpiryTotals(now: Date): Promise<ExpiryTotals> {
  const $ = _.aggregate
  const { list } = await members
    .aggregate()
    .match({ 'pointBatches.expiresAt': _.lte(now) })
    .project({ pointBatches: true })
    .unwind('$pointBatches')
    // expireDue books a row for each due batch with points left
    .match({ 'pointBatches.expiresAt': _.lte(now), 'pointBatches.remaining': _.gt(0) })
    .group({ _id: '$_id', rows: $.sum(1), points: $.sum('$pointBatches.remaining') })
    .group({ _id: null, members: $.sum(1), rows: $.sum('$rows'), points: $.sum('$points') })
    .end()
  const [t] = list as ExpiryTotals[]
  return { members: t?.members ?? 0, rows: t?.rows ?? 0, points: t?.points ?? 0 }
}

/**
 * Expires at most `limit` members within `budgetMs`, in index order (`pointBatches.expiresAt`, `_id`).
 * An expired member no longer matches (its due batches are dropped), so no cursor is needed: the next
 * call starts again from the first still due. Each member in its own transaction that re-reads it, so
 * of two runs at once only one books (and counts) a member.
 */
async function expireDuePoints(now: Date, limit: number, budgetMs: number): Promise<{ totals: ExpiryTotals; failed: number; more: boolean }> {
  const started = Date.now()
  const totals: ExpiryTotals = { members: 0, rows: 0, points: 0 }
  const failedIds = new Set<string>()
  let handled = 0
  for (;;) {
    const want = Math.min(EXPIRY_PAGE, limit - handled)
    if (want <= 0 || failedIds.size >= EXPIRY_MAX_FAILED || Date.now() - started > budgetMs) return { totals, failed: failedIds.size, more: true }
    // members that failed in this call are left for the next (they would head every page)
    const where = { 'pointBatches.expiresAt': _.lte(now), ...(failedIds.size ? { _id: _.nin([...failedIds]) } : {}) }
    const { data } = await members.where(where).orderBy('pointBatches.expiresAt', 'asc').orderBy('_id', 'asc').limit(want).field({ _id: true }).get()
    let cut = false
    await eachLimited(data, EXPIRY_CONCURRENCY, async ({ _id }) => {
      if (Date.now() - started > budgetMs) {
        cut = true
        return
      }
      handled++
      try {
        const change = await transact(async t => {
          const doc = await getInTransaction<Doc>(t, members, String(_id))
          if (!doc) return null
          const member = parseMember(doc)
          const c = expireDue(member, now)
          // a due batch with nothing left is dropped too, or the member would match every run
          if (c.entries.length || c.wallet.pointBatches.length !== member.pointBatches.length) await applyWalletChange(t, member, c, { now, operator: 'system' })
          return c
        })
        if (!change?.entries.length) return
        totals.members++
        totals.rows += change.entries.length
        totals.points -= change.entries.reduce((s, e) => s + e.delta, 0)
      } catch (err) {
        failedIds.add(String(_id))
        console.error('[admin] expirePoints: member', _id, 'failed; the next run retries', err)
      }
    })
    if (cut) return { totals, failed: failedIds.size, more: true }
    if (data.length < want) return { totals, failed: failedIds.size, more: failedIds.size > 0 }
  }
}

/** Staff rows with their member numbers (the console shows numbers, not OPENIDs): one `_id in` read per 100 rows. */
async function staffViews(rows: StaffRow[]): Promise<StaffView[]> {
  const byId = await docsByIds(
    members,
    rows.map(r => String(r._id)),
    { memberNo: true, status: true },
  )
  return rows.map(r => {
    const m = byId.get(String(r._id))
    return staffView(r, m && !isDeleted(m) ? String(m.memberNo) : null)
  })
}

/** Map keys become document field names: no dots, no leading `$`. */
function checkRuleKeys(rules: PointRules): void {
  for (const [field, map] of [
    ['storeMultipliers', rules.storeMultipliers],
    ['categoryMultipliers', rules.categoryMultipliers],
  ] as const) {
    for (const key of Object.keys(map)) {
      if (key.includes('.') || key.startsWith('$')) {
        const message = `键不能包含 “.” 或以 “$” 开头：${key}`
        throw new AppError('INVALID_ARGUMENT', `rules.${field}: ${message}`, [{ path: `rules.${field}`, message }])
      }
    }
  }
}

/** Runs `fn` over `items` with at most `n` at a time. */
async function eachLimited<T>(items: T[], n: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0
  await Promise.all(
    Array.from({ length: Math.min(n, items.length) }, async () => {
      while (next < items.length) await fn(items[next++])
    }),
  )
}

const actions: AdminActions = {
  ...adminOrderActions,
  ...adminCouponActions,
  ...adminTierActions,
  ...adminSegmentActions,
  ...adminProductActions,
  ...adminReminderActions,
  ...adminImportActions,
  ...adminCampaignActions,
  ...adminNpsActions,
  ...adminReportActions,
  ...adminConsoleActions,
  ...adminSettingsActions,
  ...adminPrivacyActions,
  ...adminAttributionActions,
  ...adminBirthdayActions,
  ...adminWecomActions,
  ...adminCareActions,

  async listMembers(event) {
    const [{ total }, { data }] = await Promise.all([members.count(), members.orderBy('createdAt', 'desc').skip(event.offset).limit(event.limit).get()])
    return { total, members: data.map(m => toProfile(parseMember(m))) }
  },

  async getMember(event) {
    const member = await memberById(event.openid)
    if (!member) throw new AppError('NOT_FOUND', `会员不存在：${event.openid}`)
    return { member: toProfile(member) }
  },

  async upsertStore(event, ctx) {
    const before = await findById(stores, event.storeId)
    const { _id: _ignored, ...kept } = before ?? {}
    // city left out: kept; '' clears it
    const city = event.city === undefined ? (before?.city ?? null) : event.city || null
    const after = { ...kept, name: event.name, city, createdAt: before?.createdAt ?? ctx.now, updatedAt: ctx.now }
    await stores.doc(event.storeId).set({ data: after })
    await audit({ actor: actorOf(ctx), action: 'upsertStore', target: event.storeId, before, after, storeId: event.storeId, at: ctx.now })
    return { store: { storeId: event.storeId, name: after.name, city: after.city }, created: !before }
  },

  /** 门店与店员: the brand sees every store, a store manager their own (from their managers row, never the event). */
  async listStores(_event, ctx) {
    const scope = await requireOperator(ctx)
    if (scope.kind === 'store') {
      const store = await findById(stores, scope.storeId)
      return { scope, stores: store ? [storeView(store)] : [] }
    }
    const rows = await readAll(stores.orderBy('_id', 'asc'))
    return { scope, stores: rows.map(storeView) }
  },

  /** The member by OPENID or member number; audited with the store (a store manager's audit log shows it). */
  async appointStaff(event, ctx) {
    const openid = await memberIdOf(event)
    const member = await memberById(openid)
    if (!member || isDeleted(member)) throw new AppError('NOT_FOUND', `店员须是已登录过小程序的会员：${event.memberNo ?? openid}`)
    if (!(await findById(stores, event.storeId))) throw new AppError('NOT_FOUND', `门店不存在：${event.storeId}（先用 upsertStore 创建）`)
    const before = await findById(staffColl, openid)
    if (before?.active === true) throw new AppError('ALREADY_EXISTS', `已是在岗店员（门店 ${before.storeId}）；要调店请先 removeStaff`)
    // the WeCom account stays with the person (their contact-me code is made again for the new store)
    const wecom = before?.wecomUserId ? { wecomUserId: before.wecomUserId } : {}
    const after = { storeId: event.storeId, name: event.name, active: true, ...wecom, createdAt: before?.createdAt ?? ctx.now, updatedAt: ctx.now, appointedBy: actorOf(ctx) }
    await staffColl.doc(openid).set({ data: after })
    await audit({ actor: actorOf(ctx), action: 'appointStaff', target: openid, before, after, storeId: event.storeId, at: ctx.now })
    return { staff: staffView({ _id: openid, ...after }, member.memberNo) }
  },

  async removeStaff(event, ctx) {
    const before = await findById(staffColl, event.openid)
    if (!before) throw new AppError('NOT_FOUND', `不是店员：${event.openid}`)
    const [view] = await staffViews([{ ...before, active: false }])
    if (before.active !== true) return { staff: view, changed: false }
    await staffColl.doc(event.openid).update({ data: { active: false, updatedAt: ctx.now } })
    await audit({ actor: actorOf(ctx), action: 'removeStaff', target: event.openid, before: { active: true }, after: { active: false }, storeId: before.storeId, at: ctx.now })
    return { staff: view, changed: true }
  },

  /** A store manager gets their store's staff whatever `storeId` asks for (the store comes from the caller). */
  async listStaff(event, ctx) {
    const scope = await requireOperator(ctx)
    const storeId = scope.kind === 'store' ? scope.storeId : (event.storeId ?? null)
    const rows = await readAll(staffColl.where(storeId ? { storeId } : {}).orderBy('_id', 'asc'))
    return { storeId, staff: await staffViews(rows) }
  },

  async getPointRules() {
    return loadRules(POINT_RULES)
  },

  async setPointRules(event, ctx) {
    checkRuleKeys(event.rules)
    return saveRules(POINT_RULES, event.rules, ctx)
  },

  async getCheckinRules() {
    return loadRules(CHECKIN_RULES)
  },

  async setCheckinRules(event, ctx) {
    return saveRules(CHECKIN_RULES, event.rules, ctx)
  },

  async getTaskRules() {
    return loadRules(TASK_RULES)
  },

  async setTaskRules(event, ctx) {
    return saveRules(TASK_RULES, event.rules, ctx)
  },

  /**
   * Idempotent per requestId (the ledger row's id is derived from it). A positive delta is a new batch
   * (kind `adjust`, expiring like earned points); a negative one spends oldest-expiring first and
   * never below the available points (INSUFFICIENT_POINTS).
   */
  async adjustPoints(event, ctx) {
    const actor = actorOf(ctx)
    // the console's 360 names the member by number
    const openid = await memberIdOf(event)
    const { rules } = await loadRules(POINT_RULES)
    const source = { type: 'admin' as const, id: event.requestId }
    const rowId = ledgerId({ kind: 'adjust', sourceType: 'admin', sourceId: event.requestId, delta: event.delta, batchId: null, balanceAfter: 0 })
    return transact(async t => {
      const prior = await getInTransaction(t, ledger, rowId)
      if (prior) {
        if (prior.memberId !== openid || prior.delta !== event.delta) throw new AppError('FAILED_PRECONDITION', 'requestId 已用于另一次调整，请换一个 requestId')
        return { openid, delta: prior.delta, balance: prior.balanceAfter as number, replayed: true }
      }
      const doc = await getInTransaction(t, members, openid)
      if (!doc) throw new AppError('NOT_FOUND', `会员不存在：${openid}`)
      const member: Member = parseMember(doc)
      const change: WalletChange =
        event.delta > 0
          ? earnPoints(member, event.delta, { now: ctx.now, expiryMonths: rules.expiryMonths, source, batchId: derivedId('adj', event.requestId), kind: 'adjust', reason: event.reason })
          : spendPoints(member, -event.delta, { now: ctx.now, source, kind: 'adjust', reason: event.reason })
      await applyWalletChange(t, member, change, { now: ctx.now, operator: actor })
      await auditIn(t, {
        actor,
        action: 'adjustPoints',
        target: openid,
        before: { points: member.points },
        after: { points: change.wallet.points },
        reason: event.reason,
        requestId: event.requestId,
        at: ctx.now,
      })
      return { openid, delta: event.delta, balance: change.wallet.points, replayed: false }
    })
  },

  /**
   * The daily expiry (run by dailyJobs): members holding a batch past its expiry get an `expire` row
   * for what is left of each such batch (ids `expire:<batchId>`: a rerun never books twice). Bounded:
   * at most `limit` members (EXPIRY_STEP) within the time budget per call; `more` says a next call goes
   * on. dryRun counts everything due in one aggregate and writes nothing.
   */
  async expirePoints(event, ctx) {
    if (event.dryRun) return { dryRun: true, ...(await dueExpiryTotals(ctx.now)), more: false }
    const { totals, failed, more } = await expireDuePoints(ctx.now, Math.min(event.limit ?? EXPIRY_STEP, EXPIRY_STEP), EXPIRY_TIME_BUDGET_MS)
    await audit({ actor: actorOf(ctx), action: 'expirePoints', target: 'members', after: { ...totals, failed, more }, at: ctx.now })
    return { dryRun: false, ...totals, more }
  },

  /**
   * The nightly timer (`dailyJobs`, every 10 minutes 03:00–05:59 Beijing time): a function may have
   * only one timer trigger on CloudBase, so the daily clean-ups run from here, one after the other. Each
   * step is bounded and resumable: what does not fit in one 20 s call (`more`: expiries, the report
   * rollups and their member snapshot at a large brand) is taken up by the next tick, so a night gives
   * the work 18 calls; a tick with nothing left to do costs a few reads.
   */
  async dailyJobs(_event, ctx) {
    const started = Date.now()
    const expired = await expireDuePoints(ctx.now, EXPIRY_STEP, DAILY_POINTS_BUDGET_MS)
    // the timer ticks every 10 minutes at night: a tick that expired nothing leaves no audit row
    if (expired.totals.rows || expired.failed)
      await audit({ actor: actorOf(ctx), action: 'expirePoints', target: 'members', after: { ...expired.totals, failed: expired.failed, more: expired.more }, at: ctx.now })
    const points = { dryRun: false, ...expired.totals, more: expired.more }
    const coupons = await expireDueCoupons(ctx, { budgetMs: DAILY_COUPONS_BUDGET_MS })
    // what is left of the 20 s timeout, less a margin; the timer's ticks sweep pending orders once a night
    const orders = await ordersSweep(ctx, Math.max(0, 17_000 - (Date.now() - started)))
    const rateLimits = { removed: await removeExpiredCounters(ctx.now) }
    // the reports' daily rollups in what is left (admin.rollupReports goes on where this stops)
    const reports = await rollupStep(ctx.now, Math.max(0, 18_500 - (Date.now() - started)))
    return { expirePoints: points, expireCoupons: coupons, orders, rateLimits, reports, more: points.more || coupons.more }
  },
}

// brand admins (and the console, timers, other functions); store managers for the console's read actions
export const main = defineFunction(AdminEvents, actions, (action, ctx) => (OPERATOR_ACTIONS.has(action) ? requireOperator(ctx) : requireAdmin(ctx)))

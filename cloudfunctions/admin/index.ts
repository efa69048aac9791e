/** `admin`: console, timers and other functions (no OPENID), or a mini-program user on the `admins` list. */
import type { AdminActions } from './actions'
import { AdminEvents } from '../../types/admin'
import type { Member } from '../../types/member'
import type { PointRules } from '../../types/points'
import { AppError } from '../../types/result'
import { toProfile } from '../../domain/member'
import { earnPoints, expireDue, spendPoints, type WalletChange } from '../../domain/points'
import { actorOf, audit, auditIn } from '../shared/audit'
import { db, _ } from '../shared/cloud'
import { defineFunction } from '../shared/handler'
import { derivedId } from '../shared/ids'
import { isDeleted, memberById, members, parseMember } from '../shared/members'
import { docsByIds, findById, readAll } from '../shared/query'
import { CHECKIN_RULES, loadRules, POINT_RULES, saveRules, TASK_RULES } from '../shared/rules'
import type { Doc } from '../shared/sdk-types'
import { getInTransaction, transact } from '../shared/transaction'
import { applyWalletChange, ledgerId } from '../shared/wallet'

import { requireAdmin, requireOperator } from '../shared/access'
import { OPERATOR_ACTIONS, type StaffView, type StoreView } from '../../types/console'
import { adminCampaignActions } from './campaigns'
import { adminConsoleActions } from './console'
import { adminNpsActions } from './nps'
import { adminCouponActions } from './coupons'
import { adminImportActions } from './import'
import { adminOrderActions, orderDailyJobs } from './orders'
import { removeExpiredCounters } from '../shared/rate-limit'
import { adminProductActions } from './products'
import { adminReminderActions } from './reminders'
import { adminReportActions } from './report'
import { adminSettingsActions } from './settings'
import { adminSegmentActions } from './segments'
import { adminTierActions } from './tiers'
import { memberIdOf } from './member-ref'
import { adminPrivacyActions } from './privacy'

const staffColl = db.collection('staff')
const stores = db.collection('stores')

/** The expiry job stops starting new members after this long (the function's timeout is 20 s); the next run continues. */
const EXPIRY_TIME_BUDGET_MS = 14_000
const EXPIRY_CONCURRENCY = 4

const isoOrNull = (v: unknown) => (v ? new Date(v as string).toISOString() : null)

function staffView(row: Doc, memberNo: string | null): StaffView {
  return { openid: String(row._id), memberNo, storeId: String(row.storeId), name: String(row.name ?? ''), active: row.active === true, createdAt: isoOrNull(row.createdAt) }
}

function storeView(row: Doc): StoreView {
  return { storeId: String(row._id), name: String(row.name ?? row._id), city: typeof row.city === 'string' && row.city ? row.city : null, updatedAt: isoOrNull(row.updatedAt) }
}

/** Staff rows with their member numbers (the console shows numbers, not OPENIDs): one `_id in` read per 100 rows. */
async function staffViews(rows: Doc[]): Promise<StaffView[]> {
  const byId = await docsByIds<Doc>(
    'members',
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
    const after = { storeId: event.storeId, name: event.name, active: true, createdAt: before?.createdAt ?? ctx.now, updatedAt: ctx.now, appointedBy: actorOf(ctx) }
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
      const prior = await getInTransaction<Doc>(t, 'points_ledger', rowId)
      if (prior) {
        if (prior.memberId !== openid || prior.delta !== event.delta) throw new AppError('FAILED_PRECONDITION', 'requestId 已用于另一次调整，请换一个 requestId')
        return { openid, delta: prior.delta, balance: prior.balanceAfter as number, replayed: true }
      }
      const doc = await getInTransaction<Doc>(t, 'members', openid)
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
   * The daily job (timer trigger `expirePoints`). Set-based: finds the members holding a batch past
   * its expiry (`pointBatches.expiresAt <= now`) and expires each in its own transaction, writing an
   * `expire` row for what is left of each batch (ids `expire:<batchId>`: a rerun never books twice).
   */
  async expirePoints(event, ctx) {
    const started = Date.now()
    const due = members.where({ 'pointBatches.expiresAt': _.lte(ctx.now) }).orderBy('_id', 'asc')
    const found = await readAll(event.dryRun ? due : due.field({ _id: true }))
    const totals = { members: 0, rows: 0, points: 0 }
    if (event.dryRun) {
      for (const doc of found) {
        const change = expireDue(parseMember(doc), ctx.now)
        if (!change.entries.length) continue
        totals.members++
        totals.rows += change.entries.length
        totals.points -= change.entries.reduce((s, e) => s + e.delta, 0)
      }
      return { dryRun: true, ...totals, more: false }
    }
    let more = false
    let failed = 0
    await eachLimited(found, EXPIRY_CONCURRENCY, async ({ _id }) => {
      if (Date.now() - started > EXPIRY_TIME_BUDGET_MS) {
        more = true
        return
      }
      try {
        const change = await transact(async t => {
          const doc = await getInTransaction<Doc>(t, 'members', String(_id))
          if (!doc) return null
          const member = parseMember(doc)
          const c = expireDue(member, ctx.now)
          if (c.entries.length) await applyWalletChange(t, member, c, { now: ctx.now, operator: 'system' })
          return c
        })
        if (!change?.entries.length) return
        totals.members++
        totals.rows += change.entries.length
        totals.points -= change.entries.reduce((s, e) => s + e.delta, 0)
      } catch (err) {
        failed++
        more = true
        console.error('[admin] expirePoints: member', _id, 'failed; the next run retries', err)
      }
    })
    await audit({ actor: actorOf(ctx), action: 'expirePoints', target: 'members', after: { ...totals, failed, more }, at: ctx.now })
    return { dryRun: false, ...totals, more }
  },

  /**
   * The daily timer (`dailyJobs`, 03:30 Beijing time): a function may have only one timer trigger on
   * CloudBase, so the daily clean-ups run from here, one after the other.
   */
  async dailyJobs(_event, ctx) {
    const started = Date.now()
    const points = await actions.expirePoints({ action: 'expirePoints', dryRun: false }, ctx)
    const coupons = await actions.expireCoupons({ action: 'expireCoupons', dryRun: false }, ctx)
    // what is left of the 20 s timeout, less a margin
    const orders = await orderDailyJobs(ctx.now, Math.max(0, 17_000 - (Date.now() - started)))
    const rateLimits = { removed: await removeExpiredCounters(ctx.now) }
    return { expirePoints: points, expireCoupons: coupons, orders, rateLimits }
  },
}

// brand admins (and the console, timers, other functions); store managers for the console's read actions
export const main = defineFunction(AdminEvents, actions, (action, ctx) => (OPERATOR_ACTIONS.has(action) ? requireOperator(ctx) : requireAdmin(ctx)))

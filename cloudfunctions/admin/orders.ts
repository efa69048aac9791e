/**
 * Orders from outside the till, the admin side: API keys for POS systems and shops (the `orders`
 * function checks them), and history imports (`npm run import -- orders` sends batches here).
 */
import type { AdminActions } from './actions'
import type { AdminEvent } from '../../types/admin'
import { randomBytes } from 'crypto'
import { OrderSchema, SIGNATURE_WINDOW_SECONDS, type Order, type OrderImportError, type OrderImportReport, type OrderResult } from '../../types/orders'
import { AppError } from '../../types/result'
import { keySecret, orderHash, secretHash } from '../../domain/orders'
import { shanghaiDay } from '../../domain/time'
import { ordersKeySecret } from '../shared/api-keys'
import { actorOf, audit } from '../shared/audit'
import { _ } from '../shared/cloud'
import { apiKeys, apiKeyView, type ApiKeyDoc } from '../shared/collections/api_keys'
import { nonces } from '../shared/collections/api_nonces'
import { jobs, markRollupDaysStale } from '../shared/collections/jobs'
import { memberImports } from '../shared/collections/member_imports'
import { memberPhones } from '../shared/collections/member_phones'
import { orders, orderDocId } from '../shared/collections/orders'
import type { CallContext } from '../shared/handler'
import { ensureProducts } from '../shared/products'
import { checkOrderTime, creditPendingOrders, currentRules, memberFor, receiveOrder, skuLines } from '../shared/orders'
import { docsByIds, findById, readAll } from '../shared/query'
import { eachWithin } from './import'

/** A call stops starting new members' orders after this long (the function's timeout is 20 s); the CLI sends the rest again. */
const IMPORT_TIME_BUDGET_MS = 14_000
const IMPORT_CONCURRENCY = 4

/** History has no coupons: a coupon written off today for a sale years ago would be wrong. */
const ImportedOrderSchema = OrderSchema.omit({ couponCodes: true })

const ERROR_OF: Partial<Record<string, OrderImportError['code']>> = {
  INVALID_ARGUMENT: 'INVALID_ORDER',
  NOT_FOUND: 'UNKNOWN_MEMBER',
  IDEMPOTENCY_MISMATCH: 'ORDER_CONFLICT',
}

/** What receiving the order would do, reading only (dry run): an unknown member number throws NOT_FOUND. */
async function wouldReceive(order: Order): Promise<'imported' | 'pending'> {
  return (await memberFor(order.member)) ? 'imported' : 'pending'
}

async function importOrders(event: Extract<AdminEvent, { action: 'importOrders' }>, ctx: CallContext): Promise<OrderImportReport> {
  const outcomes: Array<'imported' | 'pending' | 'unchanged' | null> = event.orders.map(() => null)
  const errors: OrderImportError[] = []
  const fail = (index: number, orderId: string | null, code: OrderImportError['code'], message: string, field?: string) => {
    outcomes[index] = null
    errors.push({ index, orderId, code, message, ...(field ? { field } : {}) })
  }
  const failWith = (index: number, orderId: string, err: unknown) => {
    const code = err instanceof AppError ? ERROR_OF[err.code] : undefined
    if (!code) console.error('[admin] importOrders: order', index, 'failed', err)
    if (err instanceof AppError && code) fail(index, orderId, code, err.message, err.issues?.[0]?.path)
    else fail(index, orderId, 'CONFLICT', '这一单暂时没能导入，请重新发送这一批（已导入的订单不会重复）')
  }

  // each order on its own: validate, then drop repeats within the call
  const seen = new Map<string, number>()
  const valid: Array<{ order: Order; index: number }> = []
  for (const [index, raw] of event.orders.entries()) {
    const rawId = raw && typeof raw === 'object' ? (raw as { orderId?: unknown }).orderId : undefined
    const shownId = typeof rawId === 'string' || typeof rawId === 'number' ? String(rawId).slice(0, 64) : null
    const parsed = ImportedOrderSchema.safeParse(raw && typeof raw === 'object' ? { ...raw, source: event.source } : raw)
    if (!parsed.success) {
      const issue = parsed.error.issues[0]
      fail(index, shownId, 'INVALID_ORDER', `${issue.path.join('.') || '订单'}: ${issue.message}`, issue.path.join('.') || undefined)
      continue
    }
    try {
      checkOrderTime(parsed.data, ctx.now)
    } catch (err) {
      failWith(index, parsed.data.orderId, err)
      continue
    }
    const first = seen.get(parsed.data.orderId)
    if (first !== undefined) {
      fail(index, parsed.data.orderId, 'DUPLICATE_IN_BATCH', `orderId 与本批第 ${first} 单重复`, 'orderId')
      continue
    }
    seen.set(parsed.data.orderId, index)
    valid.push({ order: parsed.data, index })
  }

  const existing = await docsByIds(
    orders,
    valid.map(v => orderDocId(v.order.source, v.order.orderId)),
  )
  const fresh = valid.filter(({ order, index }) => {
    const prior = existing.get(orderDocId(order.source, order.orderId))
    if (!prior) return true
    if (prior.contentHash === orderHash(order)) outcomes[index] = 'unchanged'
    else fail(index, order.orderId, 'ORDER_CONFLICT', `订单 ${order.orderId} 已用不同内容导入过`)
    return false
  })

  let unfinished: number[] = []
  if (event.dryRun) {
    for (const { order, index } of fresh) {
      try {
        outcomes[index] = await wouldReceive(order)
      } catch (err) {
        failWith(index, order.orderId, err)
      }
    }
  } else if (fresh.length) {
    const [rules] = await Promise.all([
      currentRules(),
      ensureProducts(
        fresh.flatMap(f => skuLines(f.order)),
        ctx.now,
      ),
    ])
    // one member's orders one after another (they write the same member), members side by side
    const byMember = new Map<string, typeof fresh>()
    for (const f of fresh) {
      const key = JSON.stringify(f.order.member)
      byMember.set(key, [...(byMember.get(key) ?? []), f])
    }
    const groups = [...byMember.values()]
    const started = new Set<(typeof groups)[number]>()
    await eachWithin(groups, IMPORT_CONCURRENCY, IMPORT_TIME_BUDGET_MS, async group => {
      started.add(group)
      for (const { order, index } of group) {
        try {
          const result: OrderResult = await receiveOrder(
            order,
            { via: 'import', actor: `import:${event.batchId}`, history: true, awardPoints: event.awardPoints, now: ctx.now },
            { rules, existing: null, productsReady: true },
          )
          outcomes[index] = result.replayed ? 'unchanged' : result.status === 'credited' ? 'imported' : 'pending'
        } catch (err) {
          failWith(index, order.orderId, err)
        }
      }
    })
    unfinished = groups
      .filter(g => !started.has(g))
      .flatMap(g => g.map(f => f.index))
      .sort((a, b) => a - b)
  }

  const count = (o: 'imported' | 'pending' | 'unchanged') => outcomes.filter(x => x === o).length
  const report: OrderImportReport = {
    batchId: event.batchId,
    dryRun: event.dryRun,
    received: event.orders.length,
    imported: count('imported'),
    pending: count('pending'),
    unchanged: count('unchanged'),
    rejected: errors.length,
    errors: errors.sort((a, b) => a.index - b.index),
    unfinished,
  }
  // the reports' rollups of the orders' past days are redone by the next rollup step
  const written = fresh.filter(f => outcomes[f.index] === 'imported').map(f => shanghaiDay(new Date(f.order.createdAt)))
  if (!event.dryRun) await markRollupDaysStale(written.filter(d => d < shanghaiDay(ctx.now)))
  if (!event.dryRun && (report.imported || report.pending)) {
    const { errors: _list, ...counts } = report
    await audit({ actor: actorOf(ctx), action: 'importOrders', target: event.source, after: { ...counts, awardPoints: event.awardPoints }, at: ctx.now })
  }
  return report
}

/** Signatures older than this can no longer be replayed (their timestamp is stale): forget them. */
const NONCE_KEEP_MS = 2 * SIGNATURE_WINDOW_SECONDS * 1000
/** Binds and claims this recent are swept for pending orders their own call left (time budget, an outage). */
const SWEEP_DAYS = 7

/** Forgets accepted signatures older than twice the signature window (a replay of them is stale anyway). */
async function removeOldNonces(now: Date): Promise<number> {
  const { stats } = await nonces.where({ at: _.lt(new Date(now.getTime() - NONCE_KEEP_MS)) }).remove()
  return stats?.removed ?? 0
}

/**
 * The daily backstop (dailyJobs): credits pending orders of members who bound a phone or claimed an
 * import in the last SWEEP_DAYS days, and forgets old signatures. Bounded by the time budget;
 * `complete`: every such member was visited.
 */
async function orderDailyJobs(now: Date, budgetMs: number): Promise<{ credited: number; left: number; noncesRemoved: number; complete: boolean }> {
  const started = Date.now()
  const since = new Date(now.getTime() - SWEEP_DAYS * 86_400_000)
  const [bound, claimed] = await Promise.all([
    readAll(memberPhones.where({ boundAt: _.gte(since) }).orderBy('boundAt', 'asc'), 10_000),
    readAll(memberImports.where({ claimedAt: _.gte(since) }).orderBy('claimedAt', 'asc'), 10_000),
  ])
  const keysOf = new Map<string, string[]>()
  const add = (memberId: unknown, key: string) => typeof memberId === 'string' && keysOf.set(memberId, [...(keysOf.get(memberId) ?? []), key])
  for (const b of bound) add(b.memberId, `phone:${b._id}`)
  for (const c of claimed) if (c.externalId) add(c.memberId, `ext:${c.externalId}`)
  let credited = 0
  let left = 0
  let visited = 0
  for (const [memberId, keys] of keysOf) {
    const remaining = budgetMs - (Date.now() - started)
    if (remaining <= 0) break
    const r = await creditPendingOrders(memberId, keys, now, remaining)
    credited += r.credited
    left += r.left
    visited++
  }
  return { credited, left, noncesRemoved: await removeOldNonces(now), complete: visited === keysOf.size }
}

/** `jobs/orders-sweep`: the Shanghai day whose pending-order sweep a timer tick completed */
const ORDERS_SWEEP_ID = 'orders-sweep'

/**
 * The pending-order sweep of dailyJobs. The timer ticks 18 times a night: a tick sweeps only until
 * one has visited every recent binding that day (each visit is a query); a call by hand always sweeps.
 */
export async function ordersSweep(ctx: CallContext, budgetMs: number) {
  const day = shanghaiDay(ctx.now)
  if (ctx.timer && (await findById(jobs, ORDERS_SWEEP_ID))?.day === day) {
    return { credited: 0, left: 0, noncesRemoved: await removeOldNonces(ctx.now), swept: false }
  }
  const { complete, ...swept } = await orderDailyJobs(ctx.now, budgetMs)
  if (ctx.timer && complete) await jobs.doc(ORDERS_SWEEP_ID).set({ data: { day, at: ctx.now } })
  return { ...swept, swept: true }
}

export const adminOrderActions: Pick<AdminActions, 'createApiKey' | 'revokeApiKey' | 'listApiKeys' | 'importOrders'> = {
  /** The secret is in this answer only: the database keeps its hash. */
  async createApiKey(event, ctx) {
    const keyId = `ak_${randomBytes(8).toString('hex')}`
    const secret = keySecret(ordersKeySecret(), keyId)
    const key: ApiKeyDoc = {
      _id: keyId,
      name: event.name,
      status: 'active',
      ratePerMinute: event.ratePerMinute,
      secretHash: secretHash(secret),
      createdAt: ctx.now,
      createdBy: actorOf(ctx),
      revokedAt: null,
    }
    await apiKeys.add({ data: key })
    await audit({ actor: actorOf(ctx), action: 'createApiKey', target: keyId, after: { name: event.name, ratePerMinute: event.ratePerMinute }, at: ctx.now })
    return { ...apiKeyView(key), secret }
  },

  async revokeApiKey(event, ctx) {
    const key = await findById(apiKeys, event.keyId)
    if (!key) throw new AppError('NOT_FOUND', `密钥不存在：${event.keyId}`)
    if (key.status === 'revoked') return apiKeyView(key)
    await apiKeys.doc(key._id).update({ data: { status: 'revoked', revokedAt: ctx.now } })
    await audit({ actor: actorOf(ctx), action: 'revokeApiKey', target: key._id, before: { status: 'active' }, after: { status: 'revoked' }, at: ctx.now })
    return apiKeyView({ ...key, status: 'revoked', revokedAt: ctx.now })
  },

  async listApiKeys() {
    const keys = await readAll(apiKeys.where({}).orderBy('createdAt', 'desc'), 1000)
    return { keys: keys.map(apiKeyView) }
  },

  async importOrders(event, ctx) {
    return importOrders(event, ctx)
  },
}

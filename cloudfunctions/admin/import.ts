/**
 * Bulk import from the console (issue 7): members with opening balances, and partner exchange codes.
 *
 * importMembers: each row is normalized on its own and written in its own transaction keyed by the
 * phone (`member_imports/<phone>`), so a retried or parallel batch changes nothing twice and a bad
 * row never blocks the others. A phone nobody has bound yet becomes a `pending` import that the
 * member function attaches when a consumer binds that phone; a phone already bound credits that
 * member now. A phone whose claimed import was erased with its member's account (a tombstone keyed by
 * a hash of the phone, see ErasedImportDoc) is ALREADY_CLAIMED. One audit row per call, with the counts.
 */
import type { AdminActions } from './actions'
import { randomBytes } from 'crypto'
import {
  codeDocId,
  codePoolId,
  externalCouponCode,
  type CodeErrorCode,
  type CouponCodeDoc,
  type CouponCodePoolDoc,
  type ImportCouponCodesReport,
  type ImportMembersReport,
  type ImportRowError,
  type ImportRowOutcome,
  type MemberImportDoc,
  type MemberImportRow,
} from '../../types/import'
import type { TierLadder } from '../../types/tiers'
import { AppError } from '../../types/result'
import { batchDuplicates, decideRow, erasedImportId, normalizeMemberRow, planClaim, recordCells } from '../../domain/import'
import { wholeFields } from '../shared/activity'
import { actorOf, audit } from '../shared/audit'
import { _ } from '../shared/cloud'
import { codePools, couponCodes as codes } from '../shared/collections/coupon_codes'
import { couponTemplates } from '../shared/collections/coupon_templates'
import { erasedImports, memberImports as imports } from '../shared/collections/member_imports'
import { memberPhones } from '../shared/collections/member_phones'
import { findMemberIn, members } from '../shared/collections/members'
import type { CallContext } from '../shared/handler'
import { isDeleted } from '../shared/members'
import { docsByIds, findById } from '../shared/query'
import { loadRules, POINT_RULES, TIER_LADDER } from '../shared/rules'
import { creditPendingOrders } from '../shared/orders'
import { getInTransaction, transact } from '../shared/transaction'
import { applyWalletChange } from '../shared/wallet'

/** A call stops starting new rows after this long (the function's timeout is 20 s); sending the batch again continues. */
const IMPORT_TIME_BUDGET_MS = 14_000
const IMPORT_CONCURRENCY = 4
const CODE_CHUNK = 100

const chunks = <T>(xs: T[], n = 100) => Array.from({ length: Math.ceil(xs.length / n) }, (_x, i) => xs.slice(i * n, i * n + n))

/** externalId → the phone it was imported with (earlier calls). Not transactional: see EXTERNAL_ID_CONFLICT in the README. */
async function phonesOfExternalIds(ids: string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>()
  for (const part of chunks(ids)) {
    const { data } = await imports
      .where({ externalId: _.in(part) })
      .field({ externalId: true })
      .limit(100)
      .get()
    for (const doc of data) out.set(String(doc.externalId), String(doc._id))
  }
  return out
}

type RowResult = { ok: true; outcome: ImportRowOutcome; claimedBy?: string } | { ok: false; code: ImportRowError['code']; message: string }

/** The live member a phone is bound to, inside the transaction (a deleted member's phone claim is removed with the account). */
async function boundMemberIn(t: Parameters<Parameters<typeof transact>[0]>[0], phone: string) {
  const claim = await getInTransaction(t, memberPhones, phone)
  if (!claim?.memberId) return null
  const member = await findMemberIn(t, claim.memberId)
  return !member || isDeleted(member) ? null : member
}

async function importRow(row: MemberImportRow, batchId: string, ctx: CallContext, rules: { expiryMonths: number; ladder: TierLadder }): Promise<RowResult> {
  const now = ctx.now
  return transact<RowResult>(async t => {
    const existing = await getInTransaction(t, imports, row.phone)
    // claimed and then erased with the member's account (member.deleteMyAccount): never claimable again
    const erased = await getInTransaction(t, erasedImports, erasedImportId(row.phone))
    const member = await boundMemberIn(t, row.phone)
    const decision = decideRow(existing, row, member?._id ?? null, erased !== null)
    if (!decision.ok) return decision
    const cells = recordCells(row)
    let record: MemberImportDoc =
      existing && decision.write !== 'create'
        ? { ...existing, ...(decision.write === 'update' ? { ...cells, batchId, updatedAt: now } : {}) }
        : {
            _id: row.phone,
            importId: `imp_${randomBytes(12).toString('hex')}`,
            ...cells,
            status: 'pending',
            memberId: null,
            claimedAt: null,
            claimedVia: null,
            batchId,
            createdAt: now,
            updatedAt: now,
          }
    let patch: Partial<MemberImportDoc> = decision.write === 'update' ? { ...cells, batchId, updatedAt: now } : {}
    if (decision.claimNow && member) {
      const plan = planClaim(member, record, { now, expiryMonths: rules.expiryMonths, ladder: rules.ladder, via: 'import' })
      // always written (at least updatedAt): a racing deleteMyAccount, which writes the member too, then conflicts
      // with this claim, so the deletion erases the claimed record or this row sees the account gone
      await members
        .in(t)
        .doc(member._id)
        .update({ data: wholeFields({ ...plan.memberPatch, updatedAt: now }) })
      if (plan.change.entries.length) await applyWalletChange(t, member, plan.change, { now, operator: actorOf(ctx) })
      record = { ...record, ...plan.recordPatch }
      patch = { ...patch, ...plan.recordPatch }
    }
    if (decision.write === 'create') {
      const { _id, ...data } = record
      await imports.in(t).add({ data: { _id, ...data } })
    } else if (Object.keys(patch).length) {
      await imports.in(t).doc(row.phone).update({ data: patch })
    }
    return { ok: true, outcome: decision.outcome, ...(decision.claimNow && member ? { claimedBy: member._id } : {}) }
  })
}

/** Runs `fn` over `items` with at most `n` at a time until the time budget is spent; answers how many were not started. */
export async function eachWithin<T>(items: T[], n: number, budgetMs: number, fn: (item: T) => Promise<void>): Promise<number> {
  const started = Date.now()
  let next = 0
  await Promise.all(
    Array.from({ length: Math.min(n, items.length) }, async () => {
      while (next < items.length && Date.now() - started < budgetMs) await fn(items[next++])
    }),
  )
  return items.length - next
}

export const adminImportActions: Pick<AdminActions, 'importMembers' | 'importCouponCodes'> = {
  async importMembers(event, ctx) {
    const [{ rules: pointRules }, { rules: ladder }] = await Promise.all([loadRules(POINT_RULES), loadRules(TIER_LADDER)])
    const tierIds = ladder.tiers.map(t => t.tierId)
    const results: Array<RowResult | null> = event.rows.map(() => null)
    const errors: ImportRowError[] = []
    const fail = (index: number, externalId: string | null, code: ImportRowError['code'], message: string, field?: string) => {
      results[index] = { ok: false, code, message }
      errors.push({ index, externalId, code, message, ...(field ? { field } : {}) })
    }

    // each row on its own: normalize, then drop repeats within the call
    const rows: Array<MemberImportRow | null> = event.rows.map((raw, index) => {
      const check = normalizeMemberRow(raw, ctx.now, tierIds)
      if (check.ok) return check.row
      const ext = raw && typeof raw === 'object' ? (raw as { externalId?: unknown }).externalId : undefined
      fail(index, typeof ext === 'string' || typeof ext === 'number' ? String(ext).slice(0, 64) : null, 'INVALID_ROW', check.message, check.field)
      return null
    })
    for (const [index, dup] of batchDuplicates(rows)) {
      fail(index, rows[index]!.externalId, 'DUPLICATE_IN_BATCH', `${dup.field === 'phone' ? '手机号' : 'externalId'}与第 ${dup.first} 行重复`, dup.field)
      rows[index] = null
    }
    // an externalId imported before with another phone (best effort: not inside the row's transaction)
    const live = rows.flatMap((row, index) => (row ? [{ row, index }] : []))
    const knownPhones = await phonesOfExternalIds(live.map(l => l.row.externalId))
    const todo = live.filter(({ row, index }) => {
      const phone = knownPhones.get(row.externalId)
      if (phone === undefined || phone === row.phone) return true
      fail(index, row.externalId, 'EXTERNAL_ID_CONFLICT', `该 externalId 已用另一个手机号（${phone.slice(0, 3)}****${phone.slice(-4)}）导入`, 'externalId')
      return false
    })

    let unfinished = 0
    if (event.dryRun) {
      const [stored, erased, bound] = await Promise.all([
        docsByIds(
          imports,
          todo.map(l => l.row.phone),
        ),
        docsByIds(
          erasedImports,
          todo.map(l => erasedImportId(l.row.phone)),
        ),
        docsByIds(
          memberPhones,
          todo.map(l => l.row.phone),
        ),
      ])
      for (const { row, index } of todo) {
        const decision = decideRow(stored.get(row.phone) ?? null, row, bound.get(row.phone)?.memberId ?? null, erased.has(erasedImportId(row.phone)))
        if (decision.ok) results[index] = { ok: true, outcome: decision.outcome }
        else fail(index, row.externalId, decision.code, decision.message)
      }
    } else {
      unfinished = await eachWithin(todo, IMPORT_CONCURRENCY, IMPORT_TIME_BUDGET_MS, async ({ row, index }) => {
        try {
          const result = await importRow(row, event.batchId, ctx, { expiryMonths: pointRules.expiryMonths, ladder })
          if (result.ok) results[index] = result
          else fail(index, row.externalId, result.code, result.message)
          // the claimed member's orders waiting for this phone or external id (the daily sweep retries a failure)
          if (result.ok && result.claimedBy) {
            await creditPendingOrders(result.claimedBy, [`phone:${row.phone}`, `ext:${row.externalId}`], ctx.now, 2_000).catch(err =>
              console.error('[admin] importMembers: pending orders of row', index, err),
            )
          }
        } catch (err) {
          // contention beyond the retries, or an outage: this row only; the batch can be sent again
          if (!(err instanceof AppError)) console.error('[admin] importMembers: row', index, 'failed', err)
          fail(index, row.externalId, 'CONFLICT', '这一行暂时没能导入，请重新发送这一批（已导入的行不会重复）')
        }
      })
    }

    const count = (o: ImportRowOutcome) => results.filter(r => r?.ok && r.outcome === o).length
    const report: ImportMembersReport = {
      dryRun: event.dryRun,
      batchId: event.batchId,
      rows: event.rows.length,
      created: count('created'),
      attached: count('attached'),
      updated: count('updated'),
      unchanged: count('unchanged'),
      errors: errors.length,
      unfinished,
      rowErrors: errors.sort((a, b) => a.index - b.index),
    }
    if (!event.dryRun) {
      const byCode: Record<string, number> = {}
      for (const e of errors) byCode[e.code] = (byCode[e.code] ?? 0) + 1
      const { rowErrors: _list, ...counts } = report
      await audit({ actor: actorOf(ctx), action: 'importMembers', target: event.batchId, before: null, after: { ...counts, errorCodes: byCode }, at: ctx.now })
    }
    return report
  },

  /**
   * Stores partner codes for a template, unique per template (`coupon_codes/<templateId>:<code>`),
   * numbered in its pool. Chunks of 100 codes per transaction; the pool counter serializes parallel
   * imports of one template. Issuing a coupon of the template then hands out one code each.
   */
  async importCouponCodes(event, ctx) {
    const template = await findById(couponTemplates, event.templateId)
    if (!template) throw new AppError('NOT_FOUND', `券模板不存在：${event.templateId}`)
    const codeErrors: ImportCouponCodesReport['codeErrors'] = []
    const fail = (index: number, code: string, error: CodeErrorCode, message: string) => codeErrors.push({ index, code: code.slice(0, 64), error, message })
    const seen = new Map<string, number>()
    const good: Array<{ index: number; code: string }> = []
    event.codes.forEach((raw, index) => {
      const text = typeof raw === 'string' ? raw.trim() : typeof raw === 'number' && Number.isSafeInteger(raw) ? String(raw) : null
      const parsed = externalCouponCode.safeParse(text)
      if (!parsed.success) return fail(index, typeof text === 'string' ? text : '', 'INVALID_CODE', parsed.error.issues[0].message)
      const first = seen.get(parsed.data)
      if (first !== undefined) return fail(index, parsed.data, 'DUPLICATE_IN_BATCH', `与第 ${first} 个重复`)
      seen.set(parsed.data, index)
      good.push({ index, code: parsed.data })
    })
    const poolId = codePoolId(event.templateId)
    let imported = 0
    let pool: { imported: number; assigned: number }

    if (event.dryRun) {
      const stored = await docsByIds(
        codes,
        good.map(g => codeDocId(event.templateId, g.code)),
      )
      for (const g of good) {
        if (stored.has(codeDocId(event.templateId, g.code))) fail(g.index, g.code, 'ALREADY_EXISTS', '该兑换码已导入过')
        else imported++
      }
      const current = await findById(codePools, poolId)
      pool = { imported: (current?.imported ?? 0) + imported, assigned: current?.assigned ?? 0 }
    } else {
      const current = await findById(codePools, poolId)
      pool = { imported: current?.imported ?? 0, assigned: current?.assigned ?? 0 }
      let poolMarked = template.codePool === true
      for (const part of chunks(good, CODE_CHUNK)) {
        const done = await transact(async t => {
          const p = await getInTransaction(t, codePools, poolId)
          let next = p?.imported ?? 0
          const dups: typeof part = []
          for (const g of part) {
            const id = codeDocId(event.templateId, g.code)
            if (await getInTransaction(t, codes, id)) {
              dups.push(g)
              continue
            }
            const doc: CouponCodeDoc = {
              _id: id,
              kind: 'code',
              templateId: event.templateId,
              code: g.code,
              seq: next++,
              couponId: null,
              memberId: null,
              assignedAt: null,
              batchId: event.batchId ?? null,
              importedAt: ctx.now,
            }
            await codes.in(t).add({ data: doc })
          }
          if (next !== (p?.imported ?? 0)) {
            // from now on every issue of the template reads the pool (in a transaction that also writes the template)
            if (!poolMarked)
              await couponTemplates
                .in(t)
                .doc(event.templateId)
                .update({ data: { codePool: true } })
            if (p)
              await codePools
                .in(t)
                .doc(poolId)
                .update({ data: { imported: next, updatedAt: ctx.now } })
            else await codePools.in(t).add({ data: { _id: poolId, kind: 'pool', templateId: event.templateId, imported: next, assigned: 0, updatedAt: ctx.now } satisfies CouponCodePoolDoc })
          }
          return { dups, added: part.length - dups.length, pool: { imported: next, assigned: p?.assigned ?? 0 } }
        })
        for (const g of done.dups) fail(g.index, g.code, 'ALREADY_EXISTS', '该兑换码已导入过')
        if (done.added) poolMarked = true
        imported += done.added
        pool = done.pool
      }
    }

    const report: ImportCouponCodesReport = {
      dryRun: event.dryRun,
      templateId: event.templateId,
      received: event.codes.length,
      imported,
      errors: codeErrors.length,
      codeErrors: codeErrors.sort((a, b) => a.index - b.index).slice(0, 500),
      pool: { ...pool, available: pool.imported - pool.assigned },
      stockWarning: null,
    }
    const available = pool.imported - pool.assigned
    if (template.stock === null || template.stock > available) {
      report.stockWarning = `券模板库存（${template.stock === null ? '不限' : template.stock}）多于可发的兑换码（${available}）：兑换码发完后将显示已领完，建议把 totalStock 设为 ${template.issued + available}`
    }
    if (!event.dryRun) {
      await audit({
        actor: actorOf(ctx),
        action: 'importCouponCodes',
        target: event.templateId,
        before: { imported: pool.imported - imported },
        after: { received: report.received, imported, errors: report.errors, batchId: event.batchId ?? null, pool: report.pool },
        at: ctx.now,
      })
    }
    return report
  },
}

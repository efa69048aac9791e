/** Coupon templates and issuing, from the console. */
import type { AdminActions } from './actions'
import type { CouponTemplate, CouponTemplateRow, CouponTemplateView } from '../../types/coupons'
import type { Member } from '../../types/member'
import { AppError } from '../../types/result'
import { describeCoupon, offerBlocker } from '../../domain/coupons'
import { actorOf, audit, auditIn } from '../shared/audit'
import { _ } from '../shared/cloud'
import { couponClaims } from '../shared/collections/coupon_claims'
import { codePoolId, codePools } from '../shared/collections/coupon_codes'
import { couponTemplates } from '../shared/collections/coupon_templates'
import { members } from '../shared/collections/members'
import { issueCouponIn, templates } from '../shared/coupons'
import { isDeleted, parseMember } from '../shared/members'
import { findById, readAll } from '../shared/query'
import { inSegment, readySegment, segmentRule } from '../shared/segments'
import { getInTransaction, transact } from '../shared/transaction'
import type { CallContext } from '../shared/handler'
import { couponIdFor, coupons } from '../shared/collections/coupons'

/** Issuing stops starting new members after this long (timeout 20 s); a rerun with the same requestId continues. */
const ISSUE_TIME_BUDGET_MS = 14_000
const ISSUE_CONCURRENCY = 4

function templateView(t: CouponTemplate): CouponTemplateView {
  const { _id, createdAt, updatedAt, codePool: _pool, ...rest } = t
  return { ...rest, templateId: _id, summary: describeCoupon(t), createdAt: new Date(createdAt).toISOString(), updatedAt: new Date(updatedAt).toISOString() }
}

/** Counts per template in parallel, a few at a time (the console's list is tens of templates). */
const COUNT_CONCURRENCY = 4

/** How many coupons of each template were used (one indexed count per template). */
async function usedCounts(templateIds: string[]): Promise<Map<string, number>> {
  const used = new Map<string, number>()
  for (let i = 0; i < templateIds.length; i += COUNT_CONCURRENCY) {
    await Promise.all(
      templateIds.slice(i, i + COUNT_CONCURRENCY).map(async id => {
        used.set(id, (await coupons.where({ templateId: id, status: 'used' }).count()).total)
      }),
    )
  }
  return used
}

/** `unfinished`: the member's transaction kept conflicting (contention on the template, after the retries): a rerun with the same requestId finishes it. */
type IssueOutcome = { member: string; outcome: 'issued' | 'would_issue' | 'already_issued' | 'skipped' | 'unfinished'; reason?: string }

/** The reason for a member still to do after a conflict (shown in `results`). */
const BUSY_REASON = '繁忙未完成，请用同一 requestId 重新发放'

export const REASON_BY_CODE: Record<string, string> = { OUT_OF_STOCK: '已领完', LIMIT_REACHED: '已达领取上限', PERMISSION_DENIED: '仅限指定会员', NOT_FOUND: '不是会员' }

async function membersFor(openids: string[], memberNos: string[]): Promise<{ found: Member[]; missing: string[] }> {
  const found = new Map<string, Member>()
  const chunks = <T>(xs: T[]) => Array.from({ length: Math.ceil(xs.length / 100) }, (_x, i) => xs.slice(i * 100, i * 100 + 100))
  for (const ids of chunks(openids))
    for (const doc of (
      await members
        .where({ _id: _.in(ids) })
        .limit(100)
        .get()
    ).data)
      found.set(doc._id, parseMember(doc))
  for (const nos of chunks(memberNos))
    for (const doc of (
      await members
        .where({ memberNo: _.in(nos) })
        .limit(100)
        .get()
    ).data)
      found.set(doc._id, parseMember(doc))
  const known = new Set([...found.values()].flatMap(m => [m._id, m.memberNo]))
  return { found: [...found.values()], missing: [...openids, ...memberNos].filter(x => !known.has(x)) }
}

export const adminCouponActions: Pick<AdminActions, 'upsertCouponTemplate' | 'setCouponTemplateStatus' | 'listCouponTemplates' | 'issueCoupons' | 'expireCoupons'> = {
  /**
   * Creates or replaces a template's terms. Coupons already issued keep the terms they were issued
   * with. A new totalStock keeps what was issued: stock = totalStock − issued, never below zero.
   */
  async upsertCouponTemplate(event, ctx) {
    const input = event.template
    return transact(async t => {
      const before = await getInTransaction(t, couponTemplates, input.templateId)
      const issued = before?.issued ?? 0
      if (input.totalStock !== null && input.totalStock < issued) {
        const message = `总库存不能少于已发放的 ${issued} 张`
        // the path names the field, so a form shows the message next to it (as for schema issues)
        throw new AppError('FAILED_PRECONDITION', message, [{ path: 'template.totalStock', message }])
      }
      const { templateId, ...terms } = input
      const after = {
        ...terms,
        status: before?.status ?? 'active',
        issued,
        stock: input.totalStock === null ? null : input.totalStock - issued,
        // a new template has no partner codes until importCouponCodes; a stored one keeps what it had
        ...(before ? (before.codePool === undefined ? {} : { codePool: before.codePool }) : { codePool: false }),
        createdAt: before?.createdAt ?? ctx.now,
        updatedAt: ctx.now,
      }
      await couponTemplates.in(t).doc(templateId).set({ data: after })
      await auditIn(t, { actor: actorOf(ctx), action: 'upsertCouponTemplate', target: templateId, before, after, at: ctx.now })
      return { template: templateView({ _id: templateId, ...after } as CouponTemplate), created: !before }
    })
  },

  async setCouponTemplateStatus(event, ctx) {
    return transact(async t => {
      const before = await getInTransaction(t, couponTemplates, event.templateId)
      if (!before) throw new AppError('NOT_FOUND', `券模板不存在：${event.templateId}`)
      await couponTemplates
        .in(t)
        .doc(event.templateId)
        .update({ data: { status: event.status, updatedAt: ctx.now } })
      await auditIn(t, { actor: actorOf(ctx), action: 'setCouponTemplateStatus', target: event.templateId, before: { status: before.status }, after: { status: event.status }, at: ctx.now })
      return { template: templateView({ ...before, status: event.status, updatedAt: ctx.now }) }
    })
  },

  /** Every template (or those of one status) with its stock, issued and — for the console's 券 list — used counts. */
  async listCouponTemplates(event): Promise<{ templates: CouponTemplateRow[] }> {
    const list = await readAll(templates.where(event.status ? { status: event.status } : {}).orderBy('_id', 'asc'))
    const used = await usedCounts(list.map(t => t._id))
    return { templates: list.map(t => ({ ...templateView(t), used: used.get(t._id) ?? 0 })) }
  },

  /**
   * Issues one coupon of the template (channel `admin`) to each listed member. Idempotent per
   * requestId: a rerun issues only to those who did not get it yet. dryRun changes nothing and says
   * who would receive it and why the others would not — counting down the template's stock and, for
   * a template with imported partner codes, the codes left in its pool (已领完 when they run out, as
   * the real run answers). A member whose transaction still conflicts after the retries (others
   * claiming the same template at that moment) is counted `unfinished`, like members not reached
   * within the time budget: the call succeeds and a rerun with the same requestId finishes them.
   */
  async issueCoupons(event, ctx) {
    const template = (await templates.where({ _id: event.templateId }).limit(1).get()).data[0]
    if (!template) throw new AppError('NOT_FOUND', `券模板不存在：${event.templateId}`)
    if (!template.channels.includes('admin')) throw new AppError('FAILED_PRECONDITION', '该券模板不允许后台发放（channels 未包含 admin）')
    const listed = await membersFor(event.openids, event.memberNos)
    const missing = listed.missing
    const found = [...listed.found]
    if (event.segmentId) {
      await readySegment(event.segmentId)
      const inTheSegment = await readAll(members.where(inSegment(event.segmentId)).orderBy('_id', 'asc'), 1000)
      const have = new Set(found.map(m => m._id))
      for (const doc of inTheSegment) if (!have.has(doc._id)) found.push(parseMember(doc))
    }
    const audienceRule = template.audience.kind === 'segment' ? await segmentRule(template.audience.segmentId, ctx.now) : null
    const results: IssueOutcome[] = missing.map(m => ({ member: m, outcome: 'skipped', reason: '不是会员' }))
    const couponIdOf = (m: Member) => couponIdFor.admin(event.templateId, event.requestId, m._id)

    if (event.dryRun) {
      const claims = await readAll(couponClaims.where({ templateId: event.templateId, memberId: _.in(found.map(m => m._id)) }).orderBy('_id', 'asc'))
      const already = new Set((await readAll(coupons.where({ _id: _.in(found.map(couponIdOf)) }).orderBy('_id', 'asc'))).map(c => String(c._id)))
      const held = new Map(claims.map(c => [String(c.memberId), Number(c.count)]))
      // a template with partner codes hands out one code per coupon: none left is 已领完 (OUT_OF_STOCK in the real run)
      const pool = await findById(codePools, codePoolId(event.templateId))
      let codesLeft = pool ? Math.max(0, pool.imported - pool.assigned) : null
      let stock = template.stock
      for (const m of found) {
        if (already.has(couponIdOf(m))) results.push({ member: m.memberNo, outcome: 'already_issued' })
        else {
          const reason = isDeleted(m)
            ? '账号已注销'
            : (offerBlocker({ ...template, stock }, held.get(m._id) ?? 0, m, ctx.now, audienceRule) ?? (codesLeft !== null && codesLeft <= 0 ? REASON_BY_CODE.OUT_OF_STOCK : null))
          if (reason) results.push({ member: m.memberNo, outcome: 'skipped', reason })
          else {
            results.push({ member: m.memberNo, outcome: 'would_issue' })
            if (stock !== null) stock--
            if (codesLeft !== null) codesLeft--
          }
        }
      }
      return summary(true, results, 0)
    }

    const started = Date.now()
    let next = 0
    await Promise.all(
      Array.from({ length: ISSUE_CONCURRENCY }, async () => {
        while (next < found.length && Date.now() - started < ISSUE_TIME_BUDGET_MS) {
          const m = found[next++]
          if (isDeleted(m)) {
            results.push({ member: m.memberNo, outcome: 'skipped', reason: '账号已注销' })
            continue
          }
          try {
            const outcome = await transact(async t => {
              if (await getInTransaction(t, coupons, couponIdOf(m))) return 'already_issued' as const
              const doc = await getInTransaction(t, members, m._id)
              await issueCouponIn(t, { templateId: event.templateId, member: parseMember(doc!), channel: 'admin', couponId: couponIdOf(m), now: ctx.now })
              return 'issued' as const
            })
            results.push({ member: m.memberNo, outcome })
          } catch (err) {
            const code = (err as AppError).code
            // contention on the template beyond transact's retries: this member only; rerun with the same requestId
            if (err instanceof AppError && code === 'CONFLICT') {
              results.push({ member: m.memberNo, outcome: 'unfinished', reason: BUSY_REASON })
              continue
            }
            if (!(err instanceof AppError) || (!REASON_BY_CODE[code] && code !== 'FAILED_PRECONDITION')) throw err
            results.push({ member: m.memberNo, outcome: 'skipped', reason: REASON_BY_CODE[code] ?? err.message })
          }
        }
      }),
    )
    const out = summary(false, results, found.length - Math.min(next, found.length))
    await audit({
      actor: actorOf(ctx),
      action: 'issueCoupons',
      target: event.templateId,
      after: { requestId: event.requestId, issued: out.issued, skipped: out.skipped, unfinished: out.unfinished },
      at: ctx.now,
    })
    return out
  },

  /** Marks coupons past validity `expired` (readers already treat them as expired), bounded per call: see expireDueCoupons. */
  async expireCoupons(event, ctx) {
    if (event.dryRun) return { dryRun: true, marked: (await coupons.where(dueCoupons(ctx.now)).count()).total, more: false }
    return expireDueCoupons(ctx, { limit: event.limit })
  },
}

/** coupons marked per call at most, in pages of EXPIRE_PAGE (one read of ids, one update each) */
const EXPIRE_STEP = 20_000
const EXPIRE_PAGE = 100
const EXPIRE_BUDGET_MS = 14_000
const dueCoupons = (now: Date) => ({ status: 'available', validUntil: _.lte(now) })

/**
 * Marks due coupons `expired` page by page in index order (`status`, `validUntil`), at most `limit`
 * within `budgetMs`: a marked coupon no longer matches, so the next call goes on from the first still
 * due (`more`). Each update repeats the due condition, so two runs at once mark (and count) a coupon once.
 */
export async function expireDueCoupons(ctx: CallContext, opts: { limit?: number; budgetMs?: number }): Promise<{ dryRun: false; marked: number; more: boolean }> {
  const started = Date.now()
  const limit = Math.min(opts.limit ?? EXPIRE_STEP, EXPIRE_STEP)
  const budgetMs = opts.budgetMs ?? EXPIRE_BUDGET_MS
  let marked = 0
  let seen = 0
  let more = true
  while (seen < limit && Date.now() - started < budgetMs) {
    const want = Math.min(EXPIRE_PAGE, limit - seen)
    const { data } = await coupons.where(dueCoupons(ctx.now)).orderBy('validUntil', 'asc').limit(want).field({ _id: true }).get()
    seen += data.length
    if (data.length) {
      const { stats } = await coupons.where({ _id: _.in(data.map(d => String(d._id))), ...dueCoupons(ctx.now) }).update({ data: { status: 'expired', expiredAt: ctx.now } })
      marked += stats.updated
    }
    if (data.length < want) {
      more = false
      break
    }
  }
  if (marked) await audit({ actor: actorOf(ctx), action: 'expireCoupons', target: 'coupons', after: { marked, more }, at: ctx.now })
  return { dryRun: false, marked, more }
}

/** `notStarted`: members not reached within the time budget (they have no entry in `results`). */
function summary(dryRun: boolean, results: IssueOutcome[], notStarted: number) {
  const skipped: Record<string, number> = {}
  for (const r of results) if (r.outcome === 'skipped') skipped[r.reason!] = (skipped[r.reason!] ?? 0) + 1
  const count = (o: IssueOutcome['outcome']) => results.filter(r => r.outcome === o).length
  return {
    dryRun,
    requested: results.length + notStarted,
    issued: count('issued'),
    wouldIssue: count('would_issue'),
    alreadyIssued: count('already_issued'),
    skipped,
    /** members not reached within this call's time budget, or whose issue kept conflicting: run again with the same requestId */
    unfinished: notStarted + count('unfinished'),
    results: results.slice(0, 200),
  }
}

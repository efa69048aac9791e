/**
 * The daily care step (关怀任务, docs/wecom.md): once today's scoring job is done (`tiers-<day>`), walks
 * the members by `_id` in budgeted pages (shared/jobs.ts) and creates their birthday, churn-risk and
 * tier-upgrade tasks (domain/care-tasks.ts; ids derived from member, kind and occasion, so a rerun
 * creates nothing twice); then records the outcomes of the tasks whose 7-day window is open (a purchase
 * since, by the indexed `purchases` memberId + createdAt), and asks `wecom` to push the templates whose
 * time has come. Resumable: `jobs/care-<day>` keeps both cursors; the hourly `run` calls it again.
 */
import type { CareStepSummary, CareTaskDoc } from '../../types/care-tasks'
import type { ReminderConfig } from '../../types/reminders'
import type { TierLadder } from '../../types/tiers'
import { careCandidates, planCareTasks, purchaseWithin, windowOver } from '../../domain/care-tasks'
import { addDays } from '../../domain/time'
import { shanghaiDay } from '../../domain/time'
import { assignmentOf, insertCareTasks, pushCareTemplates, recentTasksOf, subscriptionOf } from '../shared/care'
import { _ } from '../shared/cloud'
import { careTasks } from '../shared/collections/care_tasks'
import { coupons } from '../shared/collections/coupons'
import { jobs } from '../shared/collections/jobs'
import { isDeleted, members, parseMember } from '../shared/collections/members'
import { purchases } from '../shared/collections/purchases'
import { signups } from '../shared/collections/signups'
import { subscriptions } from '../shared/collections/subscriptions'
import { pagesWithinBudget } from '../shared/jobs'
import { docsByIds, findById } from '../shared/query'
import { loadRules, REMINDER_CONFIG, TIER_LADDER } from '../shared/rules'
import type { Doc } from '../shared/sdk-types'

const SIZING = { maxPage: 200, firstPage: 50, minPage: 10 }
const OUTCOME_PAGE = 100

interface CareJob {
  _id: string
  day: string
  memberCursor: string | null
  membersDone: boolean
  outcomeCursor: string | null
  done: boolean
  members: number
  created: number
  skipped: Record<string, number>
  outcomes: number
  updatedAt: Date
}

const careJobId = (day: string) => `care-${day}`

const summaryOf = (job: CareJob, more: boolean): CareStepSummary => ({
  day: job.day,
  status: job.done ? 'done' : 'running',
  members: job.members,
  created: job.created,
  skipped: job.skipped,
  outcomes: job.outcomes,
  more,
})

/** One page of members after `cursor`: their tasks planned and inserted. */
async function memberPage(job: CareJob, limit: number, now: Date, rules: { config: ReminderConfig; ladder: TierLadder; reviewRuns: Date[] }) {
  const { data: page } = await members
    .where(job.memberCursor ? { _id: _.gt(job.memberCursor) } : {})
    .orderBy('_id', 'asc')
    .limit(limit)
    .get()
  const withOccasions = page.flatMap(doc => {
    if (isDeleted(doc)) return []
    try {
      const member = parseMember(doc)
      const candidates = careCandidates({ member, ladder: rules.ladder, churnThreshold: rules.config.kinds.win_back.riskThreshold, now, reviewRuns: rules.reviewRuns })
      return candidates.length ? [{ doc, member, candidates }] : []
    } catch (err) {
      console.warn('[care] member skipped', String(doc._id), (err as Error).message)
      return []
    }
  })
  const ids = withOccasions.map(m => String(m.doc._id))
  if (ids.length) {
    const [subs, recent, couponRows, signupRows] = await Promise.all([
      docsByIds(subscriptions, ids),
      recentTasksOf(ids, now),
      coupons
        .where({ memberId: _.in(ids), status: 'available', validUntil: _.gt(now) })
        .field({ memberId: true, name: true, validUntil: true })
        .limit(1000)
        .get(),
      docsByIds(signups, ids),
    ])
    for (const { doc, member, candidates } of withOccasions) {
      const id = String(doc._id)
      const coupon = couponRows.data.filter(c => c.memberId === id).sort((a, b) => new Date(a.validUntil).getTime() - new Date(b.validUntil).getTime())[0]
      // the message names the member's soonest-expiring coupon
      const personal = coupon
        ? careCandidates({ member, ladder: rules.ladder, churnThreshold: rules.config.kinds.win_back.riskThreshold, now, reviewRuns: rules.reviewRuns, extras: { couponName: String(coupon.name) } })
        : candidates
      const plan = planCareTasks({ candidates: personal, subscription: subscriptionOf(subs.get(id)), existing: recent.get(id) ?? [], config: rules.config, now })
      for (const s of plan.skipped) job.skipped[s.reason] = (job.skipped[s.reason] ?? 0) + 1
      if (!plan.tasks.length) continue
      const who = await assignmentOf(doc, signupRows.get(id)?.storeId ?? undefined)
      // no advisor and no store (never bought, signed up without a channel): nobody could see the task
      if (!who.assigneeId && !who.storeId) {
        job.skipped.no_store = (job.skipped.no_store ?? 0) + plan.tasks.length
        continue
      }
      job.created += (await insertCareTasks(doc, plan.tasks, who, now)).length
    }
  }
  job.members += page.length
  if (page.length) job.memberCursor = String(page[page.length - 1]._id)
  job.membersDone = page.length < limit
  return { read: page.length }
}

/** One page of tasks whose outcome is open: bought within the window, or the window over. */
async function outcomePage(job: CareJob, now: Date): Promise<boolean> {
  const { data: page } = await careTasks
    .where({ outcomeOpen: true, ...(job.outcomeCursor ? { _id: _.gt(job.outcomeCursor) } : {}) })
    .orderBy('_id', 'asc')
    .limit(OUTCOME_PAGE)
    .get()
  if (page.length) {
    const since = new Date(Math.min(...page.map(t => new Date(t.sentAt ?? t.createdAt).getTime())))
    const memberIds = [...new Set(page.map(t => t.memberId))]
    const { data: bought } = await purchases
      .where({ memberId: _.in(memberIds), createdAt: _.gte(since) })
      .field({ memberId: true, createdAt: true, status: true })
      .limit(1000)
      .get()
    for (const t of page) {
      const task: CareTaskDoc = { ...t, createdAt: new Date(t.createdAt), sentAt: t.sentAt ? new Date(t.sentAt) : null }
      const hit = purchaseWithin(
        task,
        bought.filter(p => p.memberId === t.memberId).map(p => ({ _id: String(p._id), createdAt: new Date(p.createdAt), status: String(p.status ?? '') })),
      )
      if (hit) {
        await careTasks.doc(t._id).update({ data: { boughtAt: hit.createdAt, boughtPurchaseId: hit._id, outcomeOpen: false } })
        job.outcomes++
      } else if (windowOver(task, now)) {
        // final: a week since 已发送 (or since creation while never sent); marking it sent later opens it again
        await careTasks.doc(t._id).update({ data: { outcomeOpen: false } })
      }
    }
    job.outcomeCursor = String(page[page.length - 1]._id)
  }
  return page.length < OUTCOME_PAGE
}

/** One invocation of the day's step, within `budgetMs`; then the templates whose quiet hours are over (also while it waits). */
export async function careStep(now: Date, budgetMs: number): Promise<CareStepSummary> {
  const summary = await stepWithin(now, budgetMs)
  const due = await careTasks
    .where({ templateStatus: 'queued', templateNotBefore: _.lte(now) })
    .limit(1)
    .get()
  if (due.data.length) await pushCareTemplates()
  return summary
}

async function stepWithin(now: Date, budgetMs: number): Promise<CareStepSummary> {
  const started = Date.now()
  const left = () => budgetMs - (Date.now() - started)
  const day = shanghaiDay(now)
  const scoring = await findById(jobs, `tiers-${day}`)
  if (scoring?.status !== 'done') return { day, status: 'waiting', members: 0, created: 0, skipped: {}, outcomes: 0, more: true }
  const stored = (await findById<Doc>(jobs, careJobId(day))) as CareJob | null
  const job: CareJob = stored ?? {
    _id: careJobId(day),
    day,
    memberCursor: null,
    membersDone: false,
    outcomeCursor: null,
    done: false,
    members: 0,
    created: 0,
    skipped: {},
    outcomes: 0,
    updatedAt: now,
  }
  if (job.done) return summaryOf(job, false)
  const save = async () => {
    const { _id, ...data } = { ...job, updatedAt: now }
    await jobs.doc(_id).set({ data })
  }
  const [{ rules: config }, { rules: ladder }, yesterday] = await Promise.all([loadRules(REMINDER_CONFIG), loadRules(TIER_LADDER), findById(jobs, `tiers-${addDays(day, -1)}`)])
  const reviewRuns = [scoring, yesterday].flatMap(r => (r?.now ? [new Date(r.now)] : []))
  if (!job.membersDone) {
    await pagesWithinBudget({
      sizing: { ...SIZING, budgetMs },
      leftMs: left,
      page: limit => memberPage(job, limit, now, { config, ladder, reviewRuns }),
      saved: async () => {
        await save()
        return !job.membersDone
      },
    })
  }
  while (job.membersDone && !job.done && left() > budgetMs / 4) {
    job.done = await outcomePage(job, now)
    await save()
  }
  return summaryOf(job, !job.done)
}

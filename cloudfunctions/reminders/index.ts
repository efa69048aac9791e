/**
 * `reminders`: the hourly timer. Plans (domain/reminders.ts) and sends subscribe messages to the
 * members who ever answered a subscribe prompt, a page at a time. A re-run at the same time sends
 * nothing twice (the log's `_id` is the dedupe key); a run that reaches its time budget saves its
 * cursor (`jobs/reminders-cursor`) and the next run continues there.
 */
import { RemindersEvents, type RemindersEvent, type RemindersRunSummary } from '../../types/jobs'
import { requireAdmin } from '../shared/access'
import { jobs, REMINDERS_CURSOR as CURSOR } from '../shared/collections/jobs'
import { defineFunction, type Actions } from '../shared/handler'
import { findById } from '../shared/query'
import { careStep } from './care'
import { loadPage, messageCampaigns, plan, send, templateNames } from '../shared/reminders'
import { loadRules, REMINDER_CONFIG, TIER_LADDER } from '../shared/rules'

const BUDGET_MS = 45_000
/** the care step's budget when run alone; after the reminders it gets what is left of this */
const CARE_BUDGET_MS = 50_000

const actions: Actions<RemindersEvent> = {
  async run(_event, ctx) {
    const started = Date.now()
    const [{ rules: config }, { rules: ladder }] = await Promise.all([loadRules(REMINDER_CONFIG), loadRules(TIER_LADDER)])
    const summary: RemindersRunSummary = { now: ctx.now.toISOString(), read: 0, sent: 0, failed: 0, duplicate: 0, deferred: 0, skipped: {}, more: false }
    if (!Object.values(config.kinds).some(k => k.enabled)) return { ...summary, care: await careStep(ctx.now, CARE_BUDGET_MS) }
    const [names, campaigns] = await Promise.all([templateNames(config), messageCampaigns(ctx.now)])
    let cursor: string | null = (await findById(jobs, CURSOR))?.cursor ?? null
    for (;;) {
      if (Date.now() - started > BUDGET_MS) {
        summary.more = true
        break
      }
      const page = await loadPage(cursor, ctx.now, campaigns)
      if (!page.read) {
        cursor = null
        break
      }
      summary.read += page.read
      const planned = plan(page.inputs, config, ladder, ctx.now, names)
      summary.deferred += planned.deferred.length
      for (const s of planned.skipped) summary.skipped[s.reason] = (summary.skipped[s.reason] ?? 0) + 1
      const members = new Map(page.inputs.map(i => [i.member._id, i.member]))
      for (const message of planned.messages) summary[await send(message, members.get(message.memberId)!, config, ctx.now)]++
      cursor = page.last
    }
    await jobs.doc(CURSOR).set({ data: { cursor, updatedAt: ctx.now } })
    // the care step gets what is left of the function's 60 s (at least a few seconds: it resumes next hour)
    summary.care = await careStep(ctx.now, Math.max(5_000, CARE_BUDGET_MS - (Date.now() - started)))
    return summary
  },

  async care(_event, ctx) {
    return careStep(ctx.now, CARE_BUDGET_MS)
  },
}

export const main = defineFunction(RemindersEvents, actions, (_action, ctx) => requireAdmin(ctx))

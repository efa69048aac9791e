/**
 * `reminders`: the hourly timer. Plans (domain/reminders.ts) and sends subscribe messages to the
 * members who ever answered a subscribe prompt, a page at a time. A re-run at the same time sends
 * nothing twice (the log's `_id` is the dedupe key); a run that reaches its time budget saves its
 * cursor (`jobs/reminders-cursor`) and the next run continues there.
 */
import { RemindersEvents, type RemindersEvent, type RemindersRunSummary } from '../../types/jobs'
import { requireAdmin } from '../shared/access'
import { db } from '../shared/cloud'
import { defineFunction, type Actions } from '../shared/handler'
import { findById } from '../shared/query'
import { loadPage, messageCampaigns, plan, send, templateNames } from '../shared/reminders'
import { loadRules, REMINDER_CONFIG, TIER_LADDER } from '../shared/rules'

const BUDGET_MS = 45_000
const CURSOR = 'reminders-cursor'

const actions: Actions<RemindersEvent> = {
  async run(_event, ctx) {
    const started = Date.now()
    const [{ rules: config }, { rules: ladder }] = await Promise.all([loadRules(REMINDER_CONFIG), loadRules(TIER_LADDER)])
    const summary: RemindersRunSummary = { now: ctx.now.toISOString(), read: 0, sent: 0, failed: 0, duplicate: 0, deferred: 0, skipped: {}, more: false }
    if (!Object.values(config.kinds).some(k => k.enabled)) return summary
    const [names, campaigns] = await Promise.all([templateNames(config), messageCampaigns(ctx.now)])
    let cursor = (await findById<{ cursor: string | null }>(db.collection('jobs'), CURSOR))?.cursor ?? null
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
    await db
      .collection('jobs')
      .doc(CURSOR)
      .set({ data: { cursor, updatedAt: ctx.now } })
    return summary
  },
}

export const main = defineFunction(RemindersEvents, actions, (_action, ctx) => requireAdmin(ctx))

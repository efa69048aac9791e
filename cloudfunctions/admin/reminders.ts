/** Reminder settings and the dry run of the next send, from the console. */
import type { AdminActions } from './actions'
import type { ReminderPlan } from '../../types/reminders'
import { summarizePlan } from '../../domain/reminders'
import { loadPage, messageCampaigns, plan, templateNames } from '../shared/reminders'
import { loadRules, REMINDER_CONFIG, saveRules, TIER_LADDER } from '../shared/rules'

const DRY_RUN_BUDGET_MS = 15_000

export const adminReminderActions: Pick<AdminActions, 'getReminderConfig' | 'setReminderConfig' | 'dryRunReminders'> = {
  async getReminderConfig() {
    return loadRules(REMINDER_CONFIG)
  },

  async setReminderConfig(event, ctx) {
    return saveRules(REMINDER_CONFIG, event.config, ctx)
  },

  /** Who would get what at `at` (default now) and who is skipped or deferred, for up to `limit` subscribers; writes nothing. */
  async dryRunReminders(event, ctx) {
    const now = event.at ? new Date(event.at) : ctx.now
    const [{ rules: config }, { rules: ladder }] = await Promise.all([loadRules(REMINDER_CONFIG), loadRules(TIER_LADDER)])
    const [names, campaigns] = await Promise.all([templateNames(config), messageCampaigns(now)])
    const started = Date.now()
    const total: ReminderPlan = { messages: [], skipped: [], deferred: [] }
    let cursor: string | null = null
    let read = 0
    while (read < event.limit && Date.now() - started < DRY_RUN_BUDGET_MS) {
      const page = await loadPage(cursor, now, campaigns, Math.min(200, event.limit - read))
      if (!page.read) break
      read += page.read
      cursor = page.last
      const p = plan(page.inputs, config, ladder, now, names)
      total.messages.push(...p.messages)
      total.skipped.push(...p.skipped)
      total.deferred.push(...p.deferred)
    }
    return { ...summarizePlan(total, config, now), subscribersRead: read }
  },
}

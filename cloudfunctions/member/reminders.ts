/**
 * Consent for reminders: what Taro.requestSubscribeMessage answered (one grant per accept), and the
 * member's own on/off per kind. Only the caller's own subscription is ever read or written.
 */
import type { MemberActions } from './actions'
import { SubscriptionSchema, type ReminderConfig, type SubscribeResult } from '../../types/reminders'
import { applySubscribeResult, emptySubscription, preferencesView, setPreference } from '../../domain/reminders'
import { subscriptions } from '../shared/collections/subscriptions'
import { requireUser } from '../shared/handler'
import { loadMember, memberIn } from '../shared/members'
import { findById } from '../shared/query'
import { loadRules, REMINDER_CONFIG } from '../shared/rules'
import type { Transaction } from '../shared/sdk-types'
import { getInTransaction, transact } from '../shared/transaction'

/** Reports already counted (their requestIds), so a resent report adds no grant. */
const REPORTS_KEPT = 20

/** Answers only for templates the brand configured: anything else is not ours to count. */
function configured(result: SubscribeResult, config: ReminderConfig): SubscribeResult {
  const ids = new Set(
    Object.values(config.kinds)
      .map(k => k.templateId)
      .filter(Boolean),
  )
  return Object.fromEntries(Object.entries(result).filter(([id]) => ids.has(id)))
}

async function readSubscription(t: Transaction, openid: string, now: Date) {
  const stored = await getInTransaction(t, subscriptions, openid)
  return { stored, sub: stored ? SubscriptionSchema.parse(stored) : emptySubscription(openid, now) }
}

async function writeSubscription(t: Transaction, exists: boolean, sub: ReturnType<typeof emptySubscription>, reportIds: string[]): Promise<void> {
  const { _id, ...data } = sub
  // quota, acceptedAt and preferences only ever gain keys: a merging update keeps them whole
  if (exists)
    await subscriptions
      .in(t)
      .doc(_id)
      .update({ data: { ...data, reportIds } })
  else await subscriptions.in(t).add({ data: { _id, ...data, reportIds } })
}

export const reminderActions: Pick<MemberActions, 'reportSubscribe' | 'reminderPreferences' | 'setReminderPreference'> = {
  async reportSubscribe(event, ctx) {
    const openid = requireUser(ctx)
    const { rules: config } = await loadRules(REMINDER_CONFIG)
    const sub = await transact(async t => {
      await memberIn(t, openid)
      const { stored, sub } = await readSubscription(t, openid, ctx.now)
      const seen = stored?.reportIds ?? []
      if (seen.includes(event.requestId)) return { sub, replayed: true }
      const next = applySubscribeResult(sub, configured(event.result, config), ctx.now)
      await writeSubscription(t, !!stored, next, [...seen, event.requestId].slice(-REPORTS_KEPT))
      return { sub: next, replayed: false }
    })
    return { ...preferencesView(sub.sub, config), replayed: sub.replayed }
  },

  async reminderPreferences(_event, ctx) {
    const member = await loadMember(requireUser(ctx))
    const { rules: config } = await loadRules(REMINDER_CONFIG)
    const sub = await findById(subscriptions, member._id)
    return preferencesView(sub ? SubscriptionSchema.parse(sub) : null, config)
  },

  async setReminderPreference(event, ctx) {
    const openid = requireUser(ctx)
    const { rules: config } = await loadRules(REMINDER_CONFIG)
    const sub = await transact(async t => {
      await memberIn(t, openid)
      const { stored, sub } = await readSubscription(t, openid, ctx.now)
      const next = setPreference(sub, event.kind, event.on, ctx.now)
      await writeSubscription(t, !!stored, next, stored?.reportIds ?? [])
      return next
    })
    return preferencesView(sub, config)
  },
}

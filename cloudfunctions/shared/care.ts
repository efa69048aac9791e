/**
 * Care tasks (关怀任务) for a member: whom they go to, inserting the planned ones (domain/care-tasks.ts)
 * under derived ids (a rerun inserts nothing twice), and asking the `wecom` function to push the
 * templates whose time has come. Used by the daily care step (reminders/care.ts) and at a detractor's
 * NPS answer (member/nps.ts). See docs/wecom.md.
 */
import type { CareTaskDoc, CareOutputs } from '../../types/care-tasks'
import type { Result } from '../../types/result'
import { SubscriptionSchema, type Subscription } from '../../types/reminders'
import type { MemberAdvisor } from '../../types/wecom'
import { careCandidates, planCareTasks, type CareExtras, type ExistingTask, type PlannedCareTask } from '../../domain/care-tasks'
import { _, cloud } from './cloud'
import { careTaskIdOf, careTasks } from './collections/care_tasks'
import { isDeleted, members, parseMember } from './collections/members'
import { purchasesOf } from './collections/purchases'
import { signups } from './collections/signups'
import { stores } from './collections/stores'
import { subscriptions } from './collections/subscriptions'
import { findById } from './query'
import { loadRules, REMINDER_CONFIG, TIER_LADDER } from './rules'
import type { Doc } from './sdk-types'
import { isDuplicateKey } from './transaction'

const WEEK_MS = 7 * 86_400_000

/** Who a member's tasks go to: the advisor (and the WeCom template's sender), else the store's pool. */
export interface CareAssignment {
  assigneeId: string | null
  storeId: string | null
  sender: string | null
  externalUserId: string | null
}

/** The store of a member without an advisor: where they signed up, else where they last bought. */
export async function storeOfMember(memberId: string): Promise<string | null> {
  const signup = await findById(signups, memberId)
  if (signup?.storeId) return signup.storeId
  const { data } = await purchasesOf(memberId).orderBy('createdAt', 'desc').limit(1).get()
  return data[0]?.storeId ?? null
}

export async function assignmentOf(memberDoc: Doc, knownStore?: string | null): Promise<CareAssignment> {
  const advisor = (memberDoc.advisor ?? null) as MemberAdvisor | null
  if (advisor?.staffId) return { assigneeId: advisor.staffId, storeId: advisor.storeId ?? knownStore ?? null, sender: advisor.wecomUserId || null, externalUserId: advisor.externalUserId || null }
  return { assigneeId: null, storeId: knownStore ?? (await storeOfMember(String(memberDoc._id))), sender: null, externalUserId: null }
}

/** Inserts the planned tasks; an existing id (a rerun, a race) is left as it is. Answers the ids inserted. */
export async function insertCareTasks(memberDoc: Doc, planned: PlannedCareTask[], who: CareAssignment, now: Date): Promise<string[]> {
  const inserted: string[] = []
  const linked = !!(who.sender && who.externalUserId)
  for (const p of planned) {
    const memberId = String(memberDoc._id)
    const doc: CareTaskDoc = {
      _id: careTaskIdOf(p.kind, memberId, p.occasion),
      kind: p.kind,
      memberId,
      memberNo: String(memberDoc.memberNo),
      nickname: String(memberDoc.nickname ?? ''),
      occasion: p.occasion,
      storeId: who.storeId,
      assigneeId: who.assigneeId,
      reason: p.reason,
      message: p.message,
      status: 'open',
      createdAt: now,
      sentAt: null,
      repliedAt: null,
      skippedAt: null,
      markedBy: null,
      note: null,
      templateStatus: linked ? 'queued' : 'none',
      templateNotBefore: linked ? p.notBefore : null,
      sender: who.sender,
      externalUserId: who.externalUserId,
      templateMsgid: null,
      templateError: null,
      templateAt: null,
      boughtAt: null,
      boughtPurchaseId: null,
      outcomeOpen: true,
    }
    try {
      await careTasks.add({ data: doc })
      inserted.push(doc._id)
    } catch (err) {
      if (!isDuplicateKey(err)) throw err
    }
  }
  return inserted
}

/** The member's tasks of the last week (and older ones with these ids), for planning. */
export async function recentTasksOf(memberIds: string[], now: Date): Promise<Map<string, ExistingTask[]>> {
  const out = new Map<string, ExistingTask[]>()
  if (!memberIds.length) return out
  const { data } = await careTasks
    .where({ memberId: _.in(memberIds), createdAt: _.gte(new Date(now.getTime() - WEEK_MS)) })
    .field({ memberId: true, kind: true, occasion: true, status: true, createdAt: true })
    .limit(1000)
    .get()
  for (const t of data) out.set(t.memberId, [...(out.get(t.memberId) ?? []), { kind: t.kind, occasion: t.occasion, status: t.status, createdAt: new Date(t.createdAt) }])
  return out
}

export const subscriptionOf = (doc: Doc | null | undefined): Subscription | null => (doc ? (SubscriptionSchema.safeParse(doc).data ?? null) : null)

/** Asks the `wecom` function to push queued templates (these ones, or any due); never fails its caller. */
export async function pushCareTemplates(taskIds?: string[]): Promise<CareOutputs['pushCareTemplates'] | null> {
  try {
    const { result } = await cloud.callFunction({ name: 'wecom', data: { action: 'pushCareTemplates', ...(taskIds ? { taskIds } : {}) } })
    const answer = result as Result<CareOutputs['pushCareTemplates']>
    if (!answer?.ok) {
      console.warn('[care] pushCareTemplates:', answer?.code, answer?.message)
      return null
    }
    return answer.data
  } catch (err) {
    console.warn('[care] pushCareTemplates:', (err as Error).message)
    return null
  }
}

/**
 * A detractor's NPS answer: a care task for the member's advisor (or the store of the purchase), and
 * its template pushed at once when the member is linked and it is not quiet hours. Best effort: the
 * answer is already stored; the store's follow-up (follow_ups) is written with it.
 */
export async function careForDetractor(input: { memberId: string; responseId: string; score: number; comment: string; storeId: string; now: Date }): Promise<string[]> {
  const { now } = input
  const memberDoc = await findById<Doc>(members, input.memberId)
  if (!memberDoc || isDeleted(memberDoc)) return []
  const [{ rules: config }, { rules: ladder }, sub, recent, store] = await Promise.all([
    loadRules(REMINDER_CONFIG),
    loadRules(TIER_LADDER),
    findById(subscriptions, input.memberId),
    recentTasksOf([input.memberId], now),
    findById(stores, input.storeId),
  ])
  const extras: CareExtras = { storeName: store?.name ? String(store.name) : null, nps: { responseId: input.responseId, score: input.score, comment: input.comment } }
  const member = parseMember(memberDoc)
  const candidates = careCandidates({ member, ladder, churnThreshold: Infinity, now, extras }).filter(c => c.kind === 'nps_detractor')
  const plan = planCareTasks({ candidates, subscription: subscriptionOf(sub), existing: recent.get(input.memberId) ?? [], config, now })
  if (!plan.tasks.length) return []
  const who = await assignmentOf(memberDoc, input.storeId)
  const ids = await insertCareTasks(memberDoc, plan.tasks, who, now)
  if (ids.length && who.sender && plan.tasks.every(t => t.notBefore <= now)) await pushCareTemplates(ids)
  return ids
}

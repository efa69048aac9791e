/**
 * `syncTags`: member tags mirrored as WeCom corporate tags on each linked contact (docs/wecom.md).
 * Once a day, after the daily scoring job (`tiers-<day>` done): the tag ids are read once
 * (`get_corp_tag_list`), missing ones made once (`add_corp_tag`), then the active linked contacts
 * are walked by `_id` and each gets one `mark_tag` with what changed since the tags last set
 * (`wecom_contacts.wecomTags`). Incremental (unchanged contacts cost no call), paced (at most
 * MARKS_PER_CALL calls an invocation, MARK_INTERVAL_MS apart: WeCom's frequency limits), resumable
 * (the cursor is saved after every page: the timer's next invocation goes on) and idempotent (a
 * repeated mark adds what is already there; the diff is taken against what was last set).
 */
import type { ResolvedRule } from '../../domain/segments'
import { resolveRule } from '../../domain/segments'
import { shanghaiDay } from '../../domain/time'
import { desiredTags, tagDiff, WECOM_TAG_GROUP, type TagSegment } from '../../domain/wecom-tags'
import { SegmentRuleSchema } from '../../types/segments'
import type { WecomOutputs } from '../../types/wecom'
import { _ } from '../shared/cloud'
import { jobs } from '../shared/collections/jobs'
import { members } from '../shared/collections/members'
import { segments } from '../shared/collections/segments'
import { loadRules, WECOM_TAG_SEGMENT_RULES } from '../shared/rules'
import { wecomContacts } from '../shared/collections/wecom_contacts'
import { docsByIds, findById } from '../shared/query'
import type { Doc } from '../shared/sdk-types'
import { wecomApi, wecomConfig, type WecomConfig } from './api'

/** mark_tag calls one invocation makes at most, and the pause between two. */
export const MARKS_PER_CALL = 200
export const MARK_INTERVAL_MS = 30
/** contacts read per page */
const PAGE = 100
/** stop starting pages after this long (the function's timeout is 60 s) */
const BUDGET_MS = 40_000

interface TagJob {
  _id: string
  day: string
  cursor: string | null
  done: boolean
  /** tag name → WeCom tag id, in WECOM_TAG_GROUP */
  tagIds: Record<string, string>
  contacts: number
  marked: number
  startedAt: Date
  finishedAt: Date | null
}

const jobId = (day: string) => `wecom-tags-${day}`
const sleep = (ms: number) => new Promise(r => setTimeout(r, ms))

/** The chosen segments (admin.setWecomTagSegments) with their rules resolved at `now`. */
async function chosenSegments(now: Date): Promise<TagSegment[]> {
  const ids = (await loadRules(WECOM_TAG_SEGMENT_RULES)).rules.segmentIds
  if (!ids.length) return []
  const found = await docsByIds(segments, ids)
  return ids.flatMap(id => {
    const s = found.get(id)
    return s ? [{ name: s.name, rule: resolveRule(SegmentRuleSchema.parse(s.rule), now) as ResolvedRule }] : []
  })
}

/** The ids of the group's tags, made for the names still missing (one add_corp_tag for all of them). */
async function ensureTags(config: WecomConfig, now: Date, known: Record<string, string>, names: string[]): Promise<Record<string, string>> {
  const missing = [...new Set(names)].filter(n => !known[n])
  if (!missing.length) return known
  const answer = await wecomApi<{ tag_group: { tag: Array<{ id: string; name: string }> } }>(config, now, 'externalcontact/add_corp_tag', {
    body: { group_name: WECOM_TAG_GROUP, tag: missing.map(name => ({ name })) },
  })
  return { ...known, ...Object.fromEntries(answer.tag_group.tag.map(t => [t.name, t.id])) }
}

async function corpTagIds(config: WecomConfig, now: Date): Promise<Record<string, string>> {
  const list = await wecomApi<{ tag_group: Array<{ group_name: string; tag: Array<{ id: string; name: string }> }> }>(config, now, 'externalcontact/get_corp_tag_list', { body: {} })
  return Object.fromEntries(list.tag_group.filter(g => g.group_name === WECOM_TAG_GROUP).flatMap(g => g.tag.map(t => [t.name, t.id])))
}

/** One invocation of the day's sync; `maxMarks` lowers the cap (tests of resuming). */
export async function syncTags(now: Date, maxMarks = MARKS_PER_CALL): Promise<WecomOutputs['syncTags']> {
  const started = Date.now()
  const day = shanghaiDay(now)
  const scoring = await findById(jobs, `tiers-${day}`)
  if (scoring?.status !== 'done') return { day, status: 'waiting', contacts: 0, marked: 0, more: true }
  let job = (await findById(jobs, jobId(day))) as TagJob | null
  if (job?.done) return { day, status: 'done', contacts: job.contacts, marked: job.marked, more: false }
  const config = wecomConfig()
  if (!job) {
    job = { _id: jobId(day), day, cursor: null, done: false, tagIds: await corpTagIds(config, now), contacts: 0, marked: 0, startedAt: now, finishedAt: null }
    const { _id, ...data } = job
    await jobs.doc(_id).set({ data })
  }
  const tagSegments = await chosenSegments(now)
  let marks = 0
  while (!job.done && marks < maxMarks && Date.now() - started < BUDGET_MS) {
    const where = { status: 'active', ...(job.cursor ? { _id: _.gt(job.cursor) } : {}) }
    const { data: page } = await wecomContacts.where(where).orderBy('_id', 'asc').limit(PAGE).get()
    const linked = page.filter(c => c.memberId)
    const byId = await docsByIds<Doc>(
      members,
      linked.map(c => c.memberId!),
    )
    const plans = linked.flatMap(c => {
      const member = byId.get(c.memberId!)
      if (!member || member.status === 'deleted') return []
      const desired = desiredTags(member, tagSegments, now)
      const diff = tagDiff(c.wecomTags ?? [], desired)
      return diff.add.length || diff.remove.length ? [{ contact: c, desired, diff }] : []
    })
    job.tagIds = await ensureTags(
      config,
      now,
      job.tagIds,
      plans.flatMap(p => p.diff.add),
    )
    let cursor = job.cursor
    let stopped = false
    for (const c of page) {
      const plan = plans.find(p => p.contact._id === c._id)
      if (plan) {
        if (marks >= maxMarks) {
          stopped = true
          break
        }
        const ids = (names: string[]) => names.map(n => job!.tagIds[n]).filter(Boolean)
        const [add, remove] = [ids(plan.diff.add), ids(plan.diff.remove)]
        // a tag deleted in WeCom meanwhile has no id any more: nothing to remove there
        if (add.length || remove.length) {
          await wecomApi(config, now, 'externalcontact/mark_tag', {
            body: { userid: c.wecomUserId, external_userid: c.externalUserId, ...(add.length ? { add_tag: add } : {}), ...(remove.length ? { remove_tag: remove } : {}) },
          })
          marks++
          job.marked++
          await sleep(MARK_INTERVAL_MS)
        }
        await wecomContacts.doc(c._id).update({ data: { wecomTags: plan.desired, wecomTagsAt: now } })
      }
      job.contacts++
      cursor = c._id
    }
    job.cursor = cursor
    job.done = !stopped && page.length < PAGE
    await jobs.doc(job._id).update({ data: { cursor: job.cursor, done: job.done, tagIds: _.set(job.tagIds), contacts: job.contacts, marked: job.marked, finishedAt: job.done ? now : null } })
  }
  return { day, status: job.done ? 'done' : 'running', contacts: job.contacts, marked: job.marked, more: !job.done }
}

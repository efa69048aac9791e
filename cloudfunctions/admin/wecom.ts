/** The staff ↔ WeCom account mapping (企业微信 UserID), and what member 360 shows of the WeCom link. See docs/wecom.md. */
import type { AdminActions } from './actions'
import type { MemberAdvisor, WecomLinkView } from '../../types/wecom'
import { AppError } from '../../types/result'
import { actorOf, audit } from '../shared/audit'
import { wecomContacts } from '../shared/collections/wecom_contacts'
import { members } from '../shared/members'
import { docsByIds, findById } from '../shared/query'
import { segments } from '../shared/collections/segments'
import { saveRules, WECOM_TAG_SEGMENT_RULES } from '../shared/rules'
import type { Doc } from '../shared/sdk-types'
import { staffRows } from '../shared/wecom-link'

const iso = (d: unknown) => (d ? new Date(d as string).toISOString() : null)

/** Contacts member 360 lists. */
const CONTACTS_MAX = 20

export const adminWecomActions: Pick<AdminActions, 'setStaffWecomUser' | 'setWecomTagSegments'> = {
  /** One WeCom account per staff member and the other way round; a change drops the stored contact-me code. */
  async setStaffWecomUser(event, ctx) {
    const row = await findById(staffRows, event.openid)
    if (!row) throw new AppError('NOT_FOUND', `不是店员：${event.openid}`)
    const before = row.wecomUserId ?? null
    if (before === event.wecomUserId) return { openid: event.openid, wecomUserId: before, changed: false }
    if (event.wecomUserId) {
      const { data } = await staffRows.where({ wecomUserId: event.wecomUserId }).limit(1).get()
      if (data[0] && data[0]._id !== event.openid) throw new AppError('ALREADY_EXISTS', `企业微信账号 ${event.wecomUserId} 已绑定另一位店员`)
    }
    await staffRows.doc(event.openid).update({ data: { wecomUserId: event.wecomUserId, contactWay: null, updatedAt: ctx.now } })
    await audit({
      actor: actorOf(ctx),
      action: 'setStaffWecomUser',
      target: event.openid,
      before: { wecomUserId: before },
      after: { wecomUserId: event.wecomUserId },
      storeId: row.storeId,
      at: ctx.now,
    })
    return { openid: event.openid, wecomUserId: event.wecomUserId, changed: true }
  },

  /** The saved segments mirrored as WeCom tags by the next syncTags run; each must exist. */
  async setWecomTagSegments(event, ctx) {
    const segmentIds = [...new Set(event.segmentIds)]
    const found = await docsByIds(segments, segmentIds)
    const missing = segmentIds.filter(id => !found.has(id))
    if (missing.length) throw new AppError('NOT_FOUND', `没有这些人群：${missing.join('、')}`)
    return (await saveRules(WECOM_TAG_SEGMENT_RULES, { segmentIds }, ctx)).rules
  },
}

/** The member's advisor and WeCom contacts, for member 360 (the doc, one indexed query, the advisor's staff row). */
export async function wecomLinkOf(memberId: string): Promise<WecomLinkView> {
  // the advisor is not part of the parsed member (MemberSchema): read from the stored doc
  const [doc, { data }] = await Promise.all([findById<Doc>(members, memberId), wecomContacts.where({ memberId }).orderBy('addedAt', 'desc').limit(CONTACTS_MAX).get()])
  const advisor = (doc?.advisor ?? null) as MemberAdvisor | null
  const staff = advisor ? await findById(staffRows, advisor.staffId) : null
  return {
    advisor: advisor ? { staffId: advisor.staffId, staffName: staff?.name ?? null, wecomUserId: advisor.wecomUserId, storeId: advisor.storeId, since: iso(advisor.since)! } : null,
    contacts: data.map(c => ({
      externalUserId: c.externalUserId,
      wecomUserId: c.wecomUserId,
      status: c.status,
      linkedAt: iso(c.linkedAt),
      removedAt: iso(c.removedAt),
      tags: c.wecomTags ?? [],
      tagsSyncedAt: iso(c.wecomTagsAt),
    })),
  }
}

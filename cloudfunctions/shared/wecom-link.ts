/**
 * Linking WeCom customer contacts (`wecom_contacts`) to members by UNIONID: from the `wecom`
 * callback (a contact added or removed) and from `member.login` (a contact added before the member
 * ever signed in is linked at the first sign-in). A link records the staff member as the member's
 * advisor (`members.advisor`) and their store as the sign-up source (`signups`) when the member has none.
 * See docs/wecom.md.
 */
import { WECOM_CHANNEL_ID } from '../../types/attribution'
import type { ContactWay, ContactWayView, MemberAdvisor, WecomContactDoc, WecomOutputs } from '../../types/wecom'
import { AppError, type Result } from '../../types/result'
import { advisorOf, contactState, removalEndsAdvisor } from '../../domain/wecom'
import { auditIn } from './audit'
import { _, cloud } from './cloud'
import { staffRows, type StaffRow } from './collections/staff'
import { stores } from './collections/stores'
import { findById } from './query'
import { signups, type SignupDoc } from './collections/signups'
import { wecomContacts } from './collections/wecom_contacts'
import { isDeleted, members } from './members'
import type { Doc, Transaction } from './sdk-types'
import { getInTransaction, transact } from './transaction'

/** The staff fields the WeCom link reads (`staff/<OPENID>`). */
export type WecomStaffDoc = StaffRow
export { staffRows }

/** Who the audit rows of WeCom events name as actor. */
export const WECOM_ACTOR = 'wecom'

/** The staff row behind a WeCom UserID (an inactive one too: the advisor stays who added the customer). */
export async function staffByWecomUser(wecomUserId: string): Promise<WecomStaffDoc | null> {
  const { data } = await staffRows.where({ wecomUserId }).limit(1).get()
  return data[0] ?? null
}

/** The staff row whose contact-me code carries `state`. */
export async function staffByState(state: string): Promise<WecomStaffDoc | null> {
  const { data } = await staffRows.where({ 'contactWay.state': state }).limit(1).get()
  return data[0] ?? null
}

/** The member with this UNIONID (`member.login` keeps it), or null. */
export async function memberIdByUnionid(unionid: string): Promise<string | null> {
  const { data } = await members.where({ unionid }).field({ _id: true, status: true }).limit(1).get()
  return data.length && !isDeleted(data[0]) ? String(data[0]._id) : null
}

/**
 * Inside a transaction: links the contact to the member (fresh doc `memberDoc`), records the advisor,
 * the store as sign-up source if the member has none, and an audit row. Answers the contact as linked.
 */
export async function linkIn(t: Transaction, contact: WecomContactDoc, memberDoc: Doc, now: Date): Promise<WecomContactDoc> {
  const memberId = String(memberDoc._id)
  const advisor: MemberAdvisor | null = contact.staffId
    ? advisorOf({ staffId: contact.staffId, wecomUserId: contact.wecomUserId, storeId: contact.storeId, externalUserId: contact.externalUserId, at: now })
    : null
  const patch: Record<string, unknown> = { updatedAt: now }
  if (advisor) patch.advisor = _.set(advisor)
  await members.in(t).doc(memberId).update({ data: patch })
  // the sign-up source (`signups`, first touch: types/attribution.ts) when the member has none
  const attributed = !!contact.storeId && !(await getInTransaction(t, signups, memberId))
  if (attributed) {
    const signup: SignupDoc = {
      _id: memberId,
      memberId,
      channelId: WECOM_CHANNEL_ID,
      kind: 'staff',
      storeId: contact.storeId,
      staffOpenid: contact.staffId,
      campaignId: null,
      at: new Date(memberDoc.createdAt),
    }
    await signups.in(t).add({ data: signup })
  }
  const linked: WecomContactDoc = { ...contact, memberId, linkedAt: now, updatedAt: now }
  await auditIn(t, {
    actor: WECOM_ACTOR,
    action: 'wecomLink',
    target: memberId,
    before: { advisor: memberDoc.advisor ?? null },
    after: { externalUserId: contact.externalUserId, wecomUserId: contact.wecomUserId, staffId: contact.staffId, storeId: contact.storeId, signupSource: attributed },
    storeId: contact.storeId,
    at: now,
  })
  return linked
}

/** Inside a transaction: the removal ends the member's advisor when it was this contact (audited). */
export async function unlinkIn(t: Transaction, contact: WecomContactDoc, now: Date): Promise<void> {
  if (!contact.memberId) return
  const memberDoc = await getInTransaction(t, members, contact.memberId)
  if (!memberDoc) return
  const ends = removalEndsAdvisor(memberDoc.advisor as MemberAdvisor | null, contact.externalUserId, contact.wecomUserId)
  if (ends)
    await members
      .in(t)
      .doc(contact.memberId)
      .update({ data: { advisor: null, updatedAt: now } })
  await auditIn(t, {
    actor: WECOM_ACTOR,
    action: 'wecomUnlink',
    target: contact.memberId,
    before: { externalUserId: contact.externalUserId, wecomUserId: contact.wecomUserId },
    after: { advisorEnded: ends },
    storeId: contact.storeId,
    at: now,
  })
}

/** Writes a whole contact doc inside a transaction (`set`: a first add creates it, a later one replaces it). */
export async function putContactIn(t: Transaction, contact: WecomContactDoc): Promise<void> {
  const { _id, ...data } = contact
  await wecomContacts.in(t).doc(_id).set({ data })
}

/**
 * At sign-in: the member's UNIONID is kept on the member and the contacts waiting for it (added on
 * WeCom before the member existed, or before the UNIONID was known) are linked. Cheap when there are
 * none: one indexed query, only when the UNIONID is new to the member.
 */
export async function linkPendingContacts(memberId: string, unionid: string, now: Date): Promise<number> {
  await members.doc(memberId).update({ data: { unionid } })
  const { data } = await wecomContacts.where({ unionid, memberId: null, status: 'active' }).limit(20).get()
  let linked = 0
  // oldest first: the last one linked (the most recent add) ends up the advisor
  for (const pending of [...data].sort((a, b) => new Date(a.addedAt).getTime() - new Date(b.addedAt).getTime())) {
    const done = await transact(async t => {
      const contact = await getInTransaction(t, wecomContacts, pending._id)
      if (!contact || contact.memberId || contact.status !== 'active' || contact.unionid !== unionid) return false
      const memberDoc = await getInTransaction(t, members, memberId)
      if (!memberDoc || isDeleted(memberDoc)) return false
      await putContactIn(t, await linkIn(t, contact, memberDoc, now))
      return true
    })
    if (done) linked++
  }
  return linked
}

/** The staff row's stored code while it still names their WeCom account and store (else a new one is due). */
export function currentContactWay(staff: WecomStaffDoc): NonNullable<WecomStaffDoc['contactWay']> | null {
  const way = staff.contactWay
  return way && way.state === contactState(staff.storeId, staff._id) && way.wecomUserId === staff.wecomUserId ? way : null
}

/** A stored code as the member and the till show it (the store's name read). */
export async function contactWayView(staff: WecomStaffDoc, way: ContactWay | NonNullable<WecomStaffDoc['contactWay']>): Promise<ContactWayView> {
  const store = await findById(stores, way.storeId)
  return { staffName: staff.name, storeId: way.storeId, storeName: store?.name ?? way.storeId, wecomUserId: way.wecomUserId, qrCode: way.qrCode, configId: way.configId }
}

/**
 * A staff member's 「联系我」 code: the stored one when still current (one read), else made by the
 * `wecom` function (the only holder of the WeCom secret).
 */
export async function contactWayOf(staff: WecomStaffDoc): Promise<ContactWayView> {
  const current = currentContactWay(staff)
  if (current) return contactWayView(staff, current)
  const { result } = await cloud.callFunction({ name: 'wecom', data: { action: 'contactWay', staffId: staff._id } })
  const answer = result as Result<WecomOutputs['contactWay']>
  if (!answer?.ok) throw new AppError(answer?.code ?? 'INTERNAL', answer?.message ?? '企业微信暂不可用')
  return answer.data.contactWay
}

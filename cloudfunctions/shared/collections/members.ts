/** `members`: one document per member, `_id` = OPENID (profile, wallet, tier, stats, derived scores). */
import { DERIVED_MEMBER_FIELDS, MemberSchema, type DerivedMemberField, type Member } from '../../../types/member'
import { AppError } from '../../../types/result'
import { collectionHandle } from '../collection'
import { findById } from '../query'
import type { Doc, Transaction } from '../sdk-types'
import { getInTransaction } from '../transaction'

/** Raw documents: read them through parseMember (MemberSchema), which drops a bad derived field instead of failing. */
export const members = collectionHandle<Doc>('members')

export function parseMember(doc: Doc): Member {
  return parseMemberDoc(doc).member
}

const isDerived = (key: unknown): key is DerivedMemberField => DERIVED_MEMBER_FIELDS.includes(key as DerivedMemberField)

/**
 * The member, with any derived field (churn, RFM, tags, stage …: see DERIVED_MEMBER_FIELDS) that
 * fails validation dropped to its default and named in `dropped`, logged with the member id: a
 * bad score never locks a member out, and the next `tiers` run writes it afresh. A bad core field
 * (points, batches, stats, …) still throws.
 */
export function parseMemberDoc(doc: Doc): { member: Member; dropped: DerivedMemberField[] } {
  const first = MemberSchema.safeParse(doc)
  if (first.success) return { member: first.data, dropped: [] }
  // a bad core field still throws below (about the core fields only)
  const dropped = [...new Set(first.error.issues.map(i => i.path[0]))].filter(isDerived)
  const cleaned: Doc = { ...doc }
  for (const field of dropped) {
    const issue = first.error.issues.find(i => i.path[0] === field)
    console.warn(`[members] ${String(doc._id)}: dropped derived field ${field} (${issue?.path.join('.')}: ${issue?.message}); the next tiers run recomputes it`)
    delete cleaned[field]
  }
  return { member: MemberSchema.parse(cleaned), dropped }
}

export async function memberById(openid: string): Promise<Member | null> {
  const doc = await findById(members, openid)
  return doc ? parseMember(doc) : null
}

export async function memberByNo(memberNo: string): Promise<Member | null> {
  const { data } = await members.where({ memberNo }).limit(1).get()
  return data.length ? parseMember(data[0]) : null
}

export const isDeleted = (m: { status?: string }) => m.status === 'deleted'

export function deletedError(): AppError {
  return new AppError('PERMISSION_DENIED', '该会员账号已注销，个人信息已删除；如需重新开通请联系客服')
}

/** The calling member's record; NOT_FOUND before sign-up, PERMISSION_DENIED after deletion. */
export async function loadMember(openid: string): Promise<Member> {
  const member = await memberById(openid)
  if (!member) throw new AppError('NOT_FOUND', '会员不存在，请先登录')
  if (isDeleted(member)) throw deletedError()
  return member
}

/** The member inside a transaction (fresh, for deciding), with the same errors as loadMember. */
export async function memberIn(t: Transaction, openid: string): Promise<Member> {
  const member = await findMemberIn(t, openid)
  if (!member) throw new AppError('NOT_FOUND', '会员不存在，请先登录')
  if (isDeleted(member)) throw deletedError()
  return member
}

/** The member inside a transaction, parsed (deleted ones too), or null. */
export async function findMemberIn(t: Transaction, openid: string): Promise<Member | null> {
  const doc = await getInTransaction(t, members, openid)
  return doc ? parseMember(doc) : null
}

/** Reading members and their ledger, shared by the member, staff and admin functions. */
import { MemberSchema, type Member } from '../../types/member'
import type { LedgerItem } from '../../types/points'
import { db } from './cloud'
import { findById } from './query'
import type { Doc } from './sdk-types'

export const members = db.collection('members')

export function parseMember(doc: Doc): Member {
  return MemberSchema.parse(doc)
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

export function toLedgerItem(row: Doc): LedgerItem {
  return {
    id: String(row._id),
    delta: row.delta,
    kind: row.kind,
    sourceType: row.sourceType,
    balanceAfter: row.balanceAfter,
    createdAt: new Date(row.createdAt).toISOString(),
    ...(row.reason ? { reason: row.reason } : {}),
  }
}

/** Newest first: rows of one transaction share createdAt and are ordered by `seq`. */
export function ledgerOf(memberId: string) {
  return db.collection('points_ledger').where({ memberId }).orderBy('createdAt', 'desc').orderBy('seq', 'desc').orderBy('_id', 'desc')
}

/**
 * Admin actions name a member by `openid` or, from the console's member 360 (which shows the member
 * number, never the OPENID), by `memberNo`. An unknown or deleted member number is NOT_FOUND.
 */
import { AppError } from '../../types/result'
import { _ } from '../shared/cloud'
import { members } from '../shared/collections/members'
import { isDeleted, memberByNo } from '../shared/members'

const CHUNK = 100

/** The member's id (the OPENID) for `{ openid }` or `{ memberNo }` (the schema requires exactly one). */
export async function memberIdOf(ref: { openid?: string; memberNo?: string }): Promise<string> {
  if (ref.openid !== undefined) return ref.openid
  const member = ref.memberNo ? await memberByNo(ref.memberNo) : null
  if (!member || isDeleted(member)) throw new AppError('NOT_FOUND', `没有会员号为 ${ref.memberNo ?? ''} 的会员`)
  return member._id
}

/**
 * Bulk: each listed member as `{ id, label }` (label: what the caller passed, for `missing`), in
 * order, without duplicates; member numbers not found (or deleted) come back in `missing`.
 */
export async function memberIdsOf(openids: string[], memberNos: string[]): Promise<{ refs: Array<{ id: string; label: string }>; missing: string[] }> {
  const byNo = new Map<string, string>()
  for (let i = 0; i < memberNos.length; i += CHUNK) {
    const nos = memberNos.slice(i, i + CHUNK)
    const { data } = await members
      .where({ memberNo: _.in(nos) })
      .field({ _id: true, memberNo: true, status: true })
      .limit(CHUNK)
      .get()
    for (const doc of data) if (!isDeleted(doc)) byNo.set(String(doc.memberNo), String(doc._id))
  }
  const seen = new Set<string>()
  const refs: Array<{ id: string; label: string }> = []
  const missing: string[] = []
  // openids as before (each as listed); a member number naming a member already listed is skipped
  for (const id of openids) {
    seen.add(id)
    refs.push({ id, label: id })
  }
  for (const no of memberNos) {
    const id = byNo.get(no)
    if (!id) missing.push(no)
    else if (!seen.has(id)) {
      seen.add(id)
      refs.push({ id, label: no })
    }
  }
  return { refs, missing }
}

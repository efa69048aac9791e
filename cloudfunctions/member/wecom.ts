/** 添加专属顾问 (WeCom): the member's advisor's contact-me code, and linking WeCom contacts at sign-in. See docs/wecom.md. */
import type { MemberActions } from './actions'
import type { MemberAdvisor } from '../../types/wecom'
import { cloud } from '../shared/cloud'
import { storeOfMember } from '../shared/care'
import { deletedError, isDeleted, members } from '../shared/members'
import { requireUser } from '../shared/handler'
import { findById } from '../shared/query'
import type { Doc } from '../shared/sdk-types'
import { contactWayOf, linkPendingContacts, staffRows, type WecomStaffDoc } from '../shared/wecom-link'
import { AppError } from '../../types/result'

/** Staff rows of a store read to find one on WeCom (a store has a handful). */
const STORE_STAFF_MAX = 50

/**
 * At sign-in: keeps the context's UNIONID on the member and links the WeCom contacts waiting for it.
 * Only when the UNIONID is new to the member (one write and one indexed query); never fails a sign-in.
 */
export async function linkWecomOnSignIn(member: Record<string, unknown>, now: Date): Promise<void> {
  const { UNIONID } = cloud.getWXContext()
  if (!UNIONID || member.unionid === UNIONID) return
  const memberId = String(member._id)
  await linkPendingContacts(memberId, UNIONID, now).catch(err => console.error('[member] WeCom contacts not linked at sign-in', memberId, err))
}

const onWecom = (s: WecomStaffDoc | null | undefined): s is WecomStaffDoc => !!s && s.active === true && !!s.wecomUserId

export const wecomMemberActions: Pick<MemberActions, 'myAdvisor'> = {
  /** The advisor while linked; else the first staff member on WeCom of the member's store; null when there is none. */
  async myAdvisor(_event, ctx) {
    const openid = requireUser(ctx)
    const doc = await findById<Doc>(members, openid)
    if (!doc) throw new AppError('NOT_FOUND', '会员不存在，请先登录')
    if (isDeleted(doc)) throw deletedError()
    const advisor = (doc.advisor ?? null) as MemberAdvisor | null
    let staff: WecomStaffDoc | null = null
    if (advisor) {
      const own = await findById(staffRows, advisor.staffId)
      if (onWecom(own)) staff = own
    }
    if (!staff) {
      const storeId = await storeOfMember(openid)
      if (storeId) {
        const { data } = await staffRows.where({ storeId }).orderBy('_id', 'asc').limit(STORE_STAFF_MAX).get()
        staff = data.find(onWecom) ?? null
      }
    }
    if (!staff) return { linked: !!advisor, advisor: null }
    try {
      const way = await contactWayOf(staff)
      return { linked: !!advisor, advisor: { ...way, isOwnAdvisor: !!advisor && advisor.staffId === staff._id } }
    } catch (err) {
      // WeCom not configured or unreachable: the home page simply shows no 添加专属顾问
      console.error('[member] no contact-me code', staff._id, err)
      return { linked: !!advisor, advisor: null }
    }
  },
}

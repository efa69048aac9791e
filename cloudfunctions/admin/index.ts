/** `admin`: console, timers and other functions (no OPENID), or a mini-program user on the `admins` list. */
import { AdminEvents } from '../../types/admin'
import { MemberSchema } from '../../types/member'
import { AppError } from '../../types/result'
import { toProfile } from '../../domain/member'
import { db } from '../shared/cloud'
import { defineFunction, type CallContext } from '../shared/handler'

async function requireAdmin(ctx: CallContext): Promise<void> {
  if (!ctx.openid) return
  const { data } = await db.collection('admins').where({ _id: ctx.openid }).limit(1).get()
  if (!data.length) throw new AppError('PERMISSION_DENIED', '仅管理员可调用')
}

export const main = defineFunction(AdminEvents, {
  async listMembers(event, ctx) {
    await requireAdmin(ctx)
    const members = db.collection('members')
    const [{ total }, { data }] = await Promise.all([
      members.count(),
      members.orderBy('createdAt', 'desc').skip(event.offset).limit(event.limit).get(),
    ])
    return { total, members: data.map(m => toProfile(MemberSchema.parse(m))) }
  },

  async getMember(event, ctx) {
    await requireAdmin(ctx)
    const { data } = await db.collection('members').where({ _id: event.openid }).limit(1).get()
    if (!data.length) throw new AppError('NOT_FOUND', `会员不存在：${event.openid}`)
    return { member: toProfile(MemberSchema.parse(data[0])) }
  },
})

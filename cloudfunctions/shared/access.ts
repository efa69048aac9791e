import { AppError } from '../../types/result'
import { db } from './cloud'
import type { CallContext } from './handler'

/** The console, timers and other functions have no OPENID; a mini-program user must be on the `admins` list. */
export async function requireAdmin(ctx: CallContext): Promise<void> {
  if (!ctx.openid) return
  const { data } = await db.collection('admins').where({ _id: ctx.openid }).limit(1).get()
  if (!data.length) throw new AppError('PERMISSION_DENIED', '仅管理员可调用')
}

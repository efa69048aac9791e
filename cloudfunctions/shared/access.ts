import type { CallerRoles, OperatorScope } from '../../types/console'
import { AppError } from '../../types/result'
import { admins } from './collections/admins'
import { managers } from './collections/managers'
import { staffRows } from './collections/staff'
import { stores } from './collections/stores'
import { oncePerCall, type CallContext } from './handler'
import type { CollectionHandle } from './collection'

/** The console, timers and other functions have no OPENID; a mini-program user must be on the `admins` list. */
export async function requireAdmin(ctx: CallContext): Promise<void> {
  const openid = ctx.openid
  if (!openid) return
  const { data } = await oncePerCall(ctx, 'admin', () => admins.where({ _id: openid }).limit(1).get())
  if (!data.length) throw new AppError('PERMISSION_DENIED', '仅管理员可调用')
}

/**
 * Who may use the operator console, and over what: no OPENID (the CloudBase console) or a brand
 * admin → every store; an active store manager (`managers/<openid>`) → their store; anyone else
 * PERMISSION_DENIED. Two `_id` reads, in parallel.
 */
export async function requireOperator(ctx: CallContext): Promise<OperatorScope> {
  const openid = ctx.openid
  if (!openid) return { kind: 'brand' }
  const [admin, manager] = await Promise.all([
    oncePerCall(ctx, 'admin', () => admins.where({ _id: openid }).limit(1).get()),
    oncePerCall(ctx, 'manager', () => managers.where({ _id: openid }).limit(1).get()),
  ])
  if (admin.data.length) return { kind: 'brand' }
  const m = manager.data[0]
  if (m && m.active === true && typeof m.storeId === 'string') return { kind: 'store', storeId: m.storeId }
  throw new AppError('PERMISSION_DENIED', '仅管理员或店长可调用')
}

/** What `member.login` tells the caller about their roles: 3 `_id` reads in parallel, then the store's name for a manager. */
export async function callerRoles(openid: string): Promise<CallerRoles> {
  const byId = <T>(coll: CollectionHandle<T>) =>
    coll
      .where({ _id: openid })
      .limit(1)
      .get()
      .then(r => r.data[0] as T | undefined)
  const [admin, manager, staff] = await Promise.all([byId(admins), byId(managers), byId(staffRows)])
  let managerRole: CallerRoles['manager'] = null
  if (manager?.active === true && typeof manager.storeId === 'string') {
    const { data } = await stores.where({ _id: manager.storeId }).limit(1).get()
    managerRole = { storeId: manager.storeId, storeName: String(data[0]?.name ?? manager.storeId) }
  }
  return {
    admin: !!admin,
    manager: managerRole,
    staff: staff?.active === true && typeof staff.storeId === 'string' ? { storeId: staff.storeId } : null,
  }
}

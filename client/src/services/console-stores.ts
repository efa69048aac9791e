import type { ConsoleOutputs, StoresOutputs } from '../../../types/console'
import type { Result } from '../../../types/result'
import { callFunction } from './cloud'

type Out<K extends keyof StoresOutputs> = Promise<Result<StoresOutputs[K]>>

/** A member as the 任命 forms name them: a 10-digit member number, else an OPENID. */
export type MemberRef = { memberNo: string } | { openid: string }

/**
 * 门店与店员 (`admin` function). A store manager may list (their store only: the function takes the
 * store from the caller, whatever `storeId` says); changing stores, staff and managers is brand admins only.
 */
export const storesApi = {
  listStores(): Out<'listStores'> {
    return callFunction('admin', { action: 'listStores' })
  },
  listStaff(storeId: string): Out<'listStaff'> {
    return callFunction('admin', { action: 'listStaff', storeId })
  },
  /** 新建 or 修改 (name, city; '' clears the city). */
  upsertStore(input: { storeId: string; name: string; city: string }): Out<'upsertStore'> {
    return callFunction('admin', { action: 'upsertStore', storeId: input.storeId, name: input.name, city: input.city })
  },
  appointStaff(input: { who: MemberRef; storeId: string; name: string }): Out<'appointStaff'> {
    return callFunction('admin', { action: 'appointStaff', ...input.who, storeId: input.storeId, name: input.name })
  },
  removeStaff(openid: string): Out<'removeStaff'> {
    return callFunction('admin', { action: 'removeStaff', openid })
  },
  listManagers(storeId: string): Promise<Result<ConsoleOutputs['listManagers']>> {
    return callFunction('admin', { action: 'listManagers', storeId })
  },
  appointManager(input: { openid: string; storeId: string; name: string }): Promise<Result<ConsoleOutputs['appointManager']>> {
    return callFunction('admin', { action: 'appointManager', openid: input.openid, storeId: input.storeId, name: input.name })
  },
  removeManager(openid: string): Promise<Result<ConsoleOutputs['removeManager']>> {
    return callFunction('admin', { action: 'removeManager', openid })
  },
}

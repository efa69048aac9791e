/**
 * A collection's handle: the database collection typed by the document it stores, its name, and the
 * same collection inside a transaction (`handle.in(t)`). Handles are made only in the collection's
 * home, `shared/collections/<name>.ts`, so function code says each name once (eslint.config.mjs
 * refuses a `collection('<literal>')` anywhere else).
 */
import type { CollectionName } from '../../types/collections'
import { db } from './cloud'
import type { Collection, Transaction, TxCollection } from './sdk-types'

export interface CollectionHandle<T> extends Collection<T> {
  readonly name: CollectionName
  /** the same collection inside the transaction `t` */
  in(t: Transaction): TxCollection<T>
}

export function collectionHandle<T>(name: CollectionName): CollectionHandle<T> {
  // the SDK's collection keeps working as it is; the handle only adds its name and `in`
  return Object.assign(db.collection<T>(name), { name, in: (t: Transaction) => t.collection<T>(name) })
}

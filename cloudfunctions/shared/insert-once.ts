/**
 * Inserting under an id derived from the cause, inside a transaction, as the guard itself: a second
 * insert of the id fails at once (the doc is in the transaction's snapshot), which answers "already
 * done" without a read before every insert. A racing insert not yet visible conflicts at commit and
 * the retry lands here.
 */
import type { AppError } from '../../types/result'
import type { CollectionHandle } from './collection'
import type { Transaction } from './sdk-types'
import { isDuplicateKey } from './transaction'

export async function insertOnce<T extends { _id: string }>(t: Transaction, collection: CollectionHandle<T>, doc: T, onDuplicate: () => AppError): Promise<void> {
  try {
    await collection.in(t).add({ data: doc })
  } catch (err) {
    // an AppError ends the transaction (rolled back) instead of being retried like a conflict
    if (isDuplicateKey(err)) throw onDuplicate()
    throw err
  }
}

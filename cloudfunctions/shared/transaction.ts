/**
 * Transactions that survive contention. CloudBase's runTransaction retries a write conflict only
 * a few times; under a burst (50 parallel purchases with one requestId) that is not enough, so
 * conflicts are retried here with jittered backoff. The body must be safe to run again: it re-reads
 * everything it decides on inside the transaction.
 */
import { AppError } from '../../types/result'
import { db } from './cloud'
import type { CollectionHandle } from './collection'
import type { Transaction } from './sdk-types'

const MAX_ATTEMPTS = 12

export function isConflict(err: unknown): boolean {
  const e = err as { code?: string; errCode?: unknown; errMsg?: string; message?: string }
  return /TRANSACTION_CONFLICT|write ?conflict/i.test(`${e?.code ?? ''} ${e?.errCode ?? ''} ${e?.errMsg ?? ''} ${e?.message ?? ''}`)
}

export function isDuplicateKey(err: unknown): boolean {
  const e = err as { code?: string; errMsg?: string; message?: string }
  return /DUPLICATE|duplicate key|E11000/i.test(`${e?.code ?? ''} ${e?.errMsg ?? ''} ${e?.message ?? ''}`)
}

export async function transact<R>(body: (t: Transaction) => Promise<R>): Promise<R> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.runTransaction(body, 1)
    } catch (err) {
      // runTransaction rethrows what the body threw (e.g. an AppError) after rolling back
      if (err instanceof AppError) throw err
      const retriable = isConflict(err) || isDuplicateKey(err)
      if (!retriable || attempt >= MAX_ATTEMPTS) {
        if (retriable) throw new AppError('CONFLICT', '操作繁忙，请稍后重试')
        throw err
      }
      await new Promise(r => setTimeout(r, Math.random() * 20 * attempt))
    }
  }
}

/** A doc read inside a transaction, or null when it does not exist (the SDK throws for that). */
export async function getInTransaction<T>(t: Transaction, collection: CollectionHandle<T>, id: string): Promise<T | null> {
  try {
    const { data } = await collection.in(t).doc(id).get()
    return data ?? null
  } catch (err) {
    if (/not ?exist|does not exist|不存在/i.test(`${(err as Error).message ?? ''} ${(err as { errMsg?: string }).errMsg ?? ''}`)) return null
    throw err
  }
}

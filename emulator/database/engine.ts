/**
 * The database and its transactions, over the lmdb store (store.ts). Every action runs synchronously
 * from view to commit (no await in between), so each action is atomic with respect to concurrent
 * requests.
 *
 * Transactions (snapshot isolation, first committer wins):
 * - reads see the data as of the transaction's start: whenever anyone commits a change to a doc, each
 *   open transaction that has not seen that doc change yet keeps its pre-image (in memory: only the
 *   docs changed while it is open);
 * - writes are buffered and applied at commit as ONE store transaction;
 * - at commit, a buffered doc that someone else committed since the start (it has a pre-image) is a
 *   write conflict → DATABASE_TRANSACTION_CONFLICT, the code `runTransaction` retries on. Conflicts are
 *   reported at commit, not at write time, because wx-server-sdk turns errors of operations inside
 *   the callback into errCode/errMsg errors without `code`, which `runTransaction` would not retry;
 *   `commit()` throws the raw reply, `code` included.
 * - a transaction not committed or aborted within 30 s is dropped, as on CloudBase.
 *
 * Unique indexes (unique.ts) are checked on every change set before it is written: outside a
 * transaction at write time, inside one at commit (like conflicts, for the same reason), where a
 * duplicate answers DATABASE_DUPLICATE_WRITE, which `shared/transaction.ts` retries.
 */
import { randomBytes } from 'crypto'
import { TcbError } from '../service'
import type { Doc } from './ejson'
import type { View, Written } from './ops'
import { pkString, type Change, type Store } from './store'

interface Entry {
  c: string
  k: string
  id: unknown
  doc: Doc | null
}

interface Tx {
  id: string
  /** state at the start of this transaction of each doc that others changed since */
  pre: Map<string, Entry>
  /** buffered writes: the final state of each doc this transaction wrote */
  writes: Map<string, Entry>
  creates: Set<string>
  timer: NodeJS.Timeout
}

const entryKey = (c: string, k: string) => `${c}\u0000${k}`

export const TX_TIMEOUT_MS = 30_000

export class Engine {
  readonly live: View
  private readonly txs = new Map<string, Tx>()

  constructor(
    private readonly store: Store,
    private readonly txTimeoutMs = TX_TIMEOUT_MS,
  ) {
    this.live = { store, has: c => store.has(c), get: (c, id) => store.get(c, id), overlay: () => undefined }
  }

  read<T>(txId: string | undefined, fn: (view: View) => T): T {
    return fn(txId ? this.txView(this.tx(txId)) : this.live)
  }

  /** Outside a transaction the change set is committed (durably) before this returns. */
  write<T>(txId: string | undefined, fn: (view: View) => Written<T>): T {
    if (txId) {
      const tx = this.tx(txId)
      const { changes, result } = fn(this.txView(tx))
      for (const ch of changes) {
        if (ch.op === 'create') tx.creates.add(ch.c)
        else {
          const id = ch.op === 'put' ? ch.doc._id : ch.id
          const k = pkString(id)
          tx.writes.set(entryKey(ch.c, k), { c: ch.c, k, id, doc: ch.op === 'put' ? ch.doc : null })
        }
      }
      return result
    }
    const { changes, result } = fn(this.live)
    this.commit(changes)
    return result
  }

  startTransaction(): string {
    const id = randomBytes(16).toString('hex')
    const timer = setTimeout(() => this.txs.delete(id), this.txTimeoutMs)
    timer.unref()
    this.txs.set(id, { id, pre: new Map(), writes: new Map(), creates: new Set(), timer })
    return id
  }

  commitTransaction(id: string): void {
    const tx = this.tx(id)
    this.end(tx)
    for (const [key, w] of tx.writes) {
      if (tx.pre.has(key)) {
        throw new TcbError(
          'DATABASE_TRANSACTION_CONFLICT',
          `[ResourceUnavailable.TransactionConflict] Transaction is conflicted: document ${JSON.stringify(w.id)} in ${w.c} was changed by another operation after this transaction started. Please retry the transaction.`,
        )
      }
    }
    const changes: Change[] = [...tx.creates].map(c => ({ op: 'create' as const, c }))
    for (const w of tx.writes.values()) {
      changes.push(w.doc ? { op: 'put', c: w.c, doc: w.doc } : { op: 'del', c: w.c, id: w.id })
    }
    this.commit(changes)
  }

  abortTransaction(id: string): void {
    this.end(this.tx(id))
  }

  /** Drops open transactions (the service closes the store). */
  close(): void {
    for (const tx of this.txs.values()) clearTimeout(tx.timer)
    this.txs.clear()
  }

  private commit(changes: Change[]): void {
    if (!changes.length) return
    // the open transactions' pre-images: read before, kept only once the commit succeeded
    const pre: Entry[] = []
    if (this.txs.size) {
      const seen = new Set<string>()
      for (const ch of changes) {
        if (ch.op === 'create') continue
        const id = ch.op === 'put' ? ch.doc._id : ch.id
        const k = pkString(id)
        const key = entryKey(ch.c, k)
        if (seen.has(key) || [...this.txs.values()].every(tx => tx.pre.has(key))) continue
        seen.add(key)
        pre.push({ c: ch.c, k, id, doc: this.store.get(ch.c, id) ?? null })
      }
    }
    this.store.commit(changes) // unique indexes checked, then one durable write: if it throws, nothing changed
    for (const tx of this.txs.values()) {
      for (const e of pre) {
        const key = entryKey(e.c, e.k)
        if (!tx.pre.has(key)) tx.pre.set(key, e)
      }
    }
  }

  private tx(id: string): Tx {
    const tx = this.txs.get(id)
    if (!tx) {
      throw new TcbError(
        'DATABASE_TRANSACTION_FAIL',
        '[ResourceUnavailable.TransactionNotExist] Transaction does not exist on the server, transaction must be commit or abort in 30 seconds. Please check your request, but if the problem persists, contact us.',
      )
    }
    return tx
  }

  private end(tx: Tx): void {
    clearTimeout(tx.timer)
    this.txs.delete(tx.id)
  }

  /** The transaction's snapshot (live data with others' later changes undone) plus its own writes. */
  private txView(tx: Tx): View {
    const layers = (c: string, k: string) => tx.writes.get(entryKey(c, k)) ?? tx.pre.get(entryKey(c, k))
    return {
      store: this.store,
      has: c => this.store.has(c) || tx.creates.has(c),
      get: (c, id) => {
        const e = layers(c, pkString(id))
        return e ? (e.doc ?? undefined) : this.store.get(c, id)
      },
      overlay: c => {
        const out = new Map<string, Doc | null>()
        for (const layer of [tx.pre, tx.writes]) for (const e of layer.values()) if (e.c === c) out.set(e.k, e.doc)
        return out
      },
    }
  }
}

/**
 * The CloudBase database service: turns the SDK's `database.*` requests (see @cloudbase/database
 * src: query.ts, document.ts, collection.ts, aggregate.ts, transaction/, transaction.ts) into engine
 * calls and answers the reply fields the SDK reads.
 */
import path from 'path'
import { TcbError, type EmulatorInfo, type RequestCaller, type TcbParams, type TcbReply, type TcbService } from '../service'
import { fromWire, isPlainObject, toWire, type Doc } from './ejson'
import { Engine } from './engine'
import { indexFileFromEnv, loadIndexCatalog } from './indexes'
import { importLegacy } from './legacy'
import { planQuery, QueryStats, type QueryToPlan } from './plan'
import { Store } from './store'
import { aggregateDocs, collectionMissing, countDocs, createCollection, getDocs, insertDocs, modifyDocs, removeDocs } from './ops'
import { isOperatorUpdate } from './query'

/** CloudBase: a get without limit returns 100 (the SDK sends 100), and at most 1000. */
const DEFAULT_LIMIT = 100
const MAX_LIMIT = 1000

export interface DatabaseOptions {
  /** Create a missing collection on insert/upsert instead of failing like CloudBase does. */
  autoCreateCollections?: boolean
  /** deploy/database.json or another file in its shape; null: only `_id` (default: see indexFileFromEnv) */
  indexFile?: string | null
}

export interface DatabaseService extends TcbService {
  /** the unindexed queries seen, for `GET /stats` */
  readonly queries: QueryStats
}

export async function createDatabaseService(info: EmulatorInfo, options: DatabaseOptions = {}): Promise<DatabaseService> {
  const catalog = loadIndexCatalog(options.indexFile === undefined ? indexFileFromEnv() : options.indexFile)
  const dir = path.join(info.dataDir, 'database')
  const log = (msg: string) => console.log(`[database] ${msg}`)
  const store = Store.open(dir, catalog, log)
  importLegacy(dir, store, log)
  const engine = new Engine(store)
  const autoCreate = options.autoCreateCollections ?? process.env.CLOUDBASE_EMULATOR_AUTOCREATE_COLLECTIONS === '1'
  const queries = new QueryStats()
  let closed = false
  return {
    queries,
    async handle(action: string, params: TcbParams, caller?: RequestCaller): Promise<TcbReply> {
      if (closed) throw new TcbError('SYS_ERR', 'database is closed')
      try {
        return dispatch(engine, action, params, autoCreate, plan => {
          const { indexed, shape } = planQuery(catalog, plan.coll, plan)
          if (!indexed) queries.record(plan.coll, shape, caller?.source || 'emulator')
        })
      } catch (err) {
        if (err instanceof TcbError) throw err
        console.error('[database] unexpected error in', action, err)
        throw new TcbError('DATABASE_REQUEST_FAILED', (err as Error).message)
      }
    },
    async close() {
      if (closed) return
      closed = true
      engine.close()
      await store.close()
    },
  }
}

/** Synchronous on purpose: each action is atomic (see engine.ts). `classify` sees every query before it runs. */
function dispatch(engine: Engine, action: string, p: TcbParams, autoCreate: boolean, classify: (q: QueryToPlan & { coll: string }) => void): TcbReply {
  // one server time per request, so every db.serverDate() in it agrees
  const now = Date.now()
  const coll = typeof p.collectionName === 'string' ? p.collectionName : ''
  const txId = typeof p.transactionId === 'string' && p.transactionId ? p.transactionId : undefined
  const doc = (v: unknown, what: string): Doc => {
    const d = fromWire(v, now, what)
    if (!isPlainObject(d)) throw new TcbError('INVALID_PARAM', `${what} must be an object`)
    return d
  }
  const criteria = p.query === undefined || p.query === null || p.query === '' ? undefined : doc(p.query, 'query')
  const needColl = () => {
    if (!coll) throw new TcbError('INVALID_PARAM', 'collectionName is required')
  }

  switch (action) {
    case 'database.getDocument': {
      needColl()
      const limit = clampLimit(p.limit)
      const offset = Math.max(0, Number(p.offset) || 0)
      const order = p.order ? parseOrder(fromWire(p.order, now, 'order')) : undefined
      const projection = p.projection ? doc(p.projection, 'projection') : undefined
      classify({ coll, op: 'get', filter: criteria, sort: order ? Object.entries(order).map(([f, d]) => [f, Number(d) < 0 ? -1 : 1] as const) : undefined })
      const docs = engine.read(txId, v => getDocs(v, coll, criteria, { order, offset, limit, projection }))
      return { data: { list: docs.map(toWire), limit, offset } }
    }
    case 'database.calculateDocument': {
      needColl()
      classify({ coll, op: 'count', filter: criteria })
      return { data: { total: engine.read(txId, v => countDocs(v, coll, criteria)) } }
    }
    case 'database.aggregateDocuments': {
      needColl()
      const stages = Array.isArray(p.stages) ? p.stages : []
      const pipeline = stages.map((s: { stageKey?: string; stageValue?: unknown }) => ({ [String(s.stageKey)]: fromWire(s.stageValue, now, 'stageValue') }))
      classify({ coll, op: 'aggregate', pipeline })
      const docs = engine.read(txId, v => aggregateDocs(v, coll, pipeline))
      return { data: { list: docs.map(toWire) } }
    }
    case 'database.insertDocument': {
      needColl()
      const items = Array.isArray(p.data) ? p.data : [p.data]
      const docs = items.map(d => doc(d, 'data'))
      const ids = engine.write(txId, v => insertDocs(v, coll, docs, autoCreate))
      return { data: { insertedIds: ids } }
    }
    case 'database.modifyDocument': {
      needColl()
      const where = p.queryType !== 'DOC'
      if (where && !hasKeys(criteria)) throw new TcbError('INVALID_PARAM', "param.query can't be empty")
      const merge = p.merge !== false && p.merge !== 'false'
      const params = { criteria, data: doc(p.data, 'data'), multi: isTrue(p.multi), merge, upsert: isTrue(p.upsert) }
      classify({ coll, op: 'update', filter: criteria })
      const r = engine.write(txId, v => modifyDocs(v, coll, params, autoCreate))
      return { data: { updated: r.updated, matched: r.matched, ...(r.upsertId !== undefined ? { upsert_id: r.upsertId } : {}) } }
    }
    case 'database.modifyAndReturnDoc': {
      needColl()
      const params = { criteria, data: doc(p.data, 'data'), multi: false, merge: true, upsert: false }
      classify({ coll, op: 'update', filter: criteria })
      const r = engine.write(txId, v => modifyDocs(v, coll, params, autoCreate))
      return { data: { updated: r.updated, doc: r.doc ? toWire(r.doc) : null } }
    }
    case 'database.removeDocument': {
      needColl()
      if (p.queryType !== 'DOC' && !hasKeys(criteria)) throw new TcbError('INVALID_PARAM', "param.query can't be empty")
      classify({ coll, op: 'remove', filter: criteria })
      return { data: { deleted: engine.write(txId, v => removeDocs(v, coll, criteria, isTrue(p.multi))) } }
    }
    case 'database.addCollection': {
      needColl()
      engine.write(undefined, v => createCollection(v, coll))
      return {}
    }

    case 'database.startTransaction':
      return { transactionId: engine.startTransaction() }
    case 'database.commitTransaction':
      engine.commitTransaction(requireTx(txId))
      return {}
    case 'database.abortTransaction':
      engine.abortTransaction(requireTx(txId))
      return {}

    // the older transaction API (@cloudbase/database src/transaction.ts): replies at the top level
    case 'database.getInTransaction': {
      needColl()
      const tx = requireTx(txId)
      const found = engine.read(tx, v => {
        if (!v.has(coll)) throw collectionMissing(coll)
        return v.get(coll, p._id) ?? null
      })
      return { data: toWire(found) }
    }
    case 'database.updateDocInTransaction': {
      needColl()
      const tx = requireTx(txId)
      const data = doc(p.data, 'data')
      const params = { criteria: { _id: p._id }, data, multi: false, merge: isOperatorUpdate(data), upsert: isTrue(p.upsert) }
      const r = engine.write(tx, v => modifyDocs(v, coll, params, autoCreate))
      return { updated: r.updated, ...(r.upsertId !== undefined ? { upserted: JSON.stringify([{ _id: r.upsertId }]) } : {}) }
    }
    case 'database.deleteDocInTransaction': {
      needColl()
      const tx = requireTx(txId)
      return { deleted: engine.write(tx, v => removeDocs(v, coll, { _id: p._id }, false)) }
    }
    default:
      throw new TcbError('INVALID_ACTION', `database action not supported by the local CloudBase: ${action}`)
  }
}

function requireTx(txId: string | undefined): string {
  if (!txId) throw new TcbError('INVALID_PARAM', 'transactionId is required')
  return txId
}

function clampLimit(v: unknown): number {
  const n = Math.floor(Number(v))
  if (!Number.isFinite(n) || n <= 0) return DEFAULT_LIMIT
  return Math.min(n, MAX_LIMIT)
}

/** `{field: 1|-1}` (current SDK) or `[{field, direction}]` (older SDKs). */
function parseOrder(v: unknown): Doc | undefined {
  if (Array.isArray(v)) {
    const out: Doc = {}
    for (const o of v as { field?: string; direction?: string }[]) if (o?.field) out[o.field] = o.direction === 'desc' ? -1 : 1
    return out
  }
  return isPlainObject(v) ? v : undefined
}

const isTrue = (v: unknown) => v === true || v === 'true'
const hasKeys = (v: Doc | undefined) => !!v && Object.keys(v).length > 0

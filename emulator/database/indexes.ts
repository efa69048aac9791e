/**
 * The indexes the emulator knows: read from `deploy/database.json`, the same file a deploy applies
 * (generated from deploy/indexes.ts by `npm run deploy:config`), so what is enforced and classified
 * locally is what production has. Every collection also has the built-in `_id` index.
 */
import fs from 'fs'
import path from 'path'

export type IndexKey = readonly [field: string, direction: 1 | -1]

export interface IndexDef {
  name: string
  keys: readonly IndexKey[]
  unique: boolean
}

/** collection name → its declared indexes (without `_id_`) */
export type IndexCatalog = ReadonlyMap<string, readonly IndexDef[]>

export const ID_INDEX: IndexDef = { name: '_id_', keys: [['_id', 1]], unique: true }

/** The repo's deploy config; `CLOUDBASE_EMULATOR_INDEXES=<file>` points elsewhere (`none`: only `_id`). */
export const DEFAULT_INDEX_FILE = path.resolve(__dirname, '../../deploy/database.json')

export function indexFileFromEnv(): string | null {
  const configured = process.env.CLOUDBASE_EMULATOR_INDEXES
  if (configured === 'none') return null
  return configured ? path.resolve(configured) : DEFAULT_INDEX_FILE
}

interface DeployIndex {
  IndexName?: unknown
  MgoKeySchema?: { MgoIsUnique?: unknown; MgoIndexKeys?: Array<{ Name?: unknown; Direction?: unknown }> }
}

/** Parses deploy/database.json's `collections[].CreateIndexes` (the manager-node shape). */
export function parseIndexCatalog(json: unknown): IndexCatalog {
  const catalog = new Map<string, IndexDef[]>()
  const collections = (json as { collections?: unknown })?.collections
  if (!Array.isArray(collections)) throw new Error('index config: `collections` must be an array')
  for (const c of collections as Array<{ CollectionName?: unknown; CreateIndexes?: unknown }>) {
    if (typeof c?.CollectionName !== 'string') throw new Error('index config: a collection without CollectionName')
    const defs = ((c.CreateIndexes ?? []) as DeployIndex[]).map(ix => {
      const keys = (ix.MgoKeySchema?.MgoIndexKeys ?? []).map(k => [String(k.Name), String(k.Direction) === '-1' ? -1 : 1] as const)
      if (typeof ix.IndexName !== 'string' || !keys.length) throw new Error(`index config: bad index in ${c.CollectionName}`)
      return { name: ix.IndexName, keys, unique: ix.MgoKeySchema?.MgoIsUnique === true }
    })
    catalog.set(c.CollectionName, defs)
  }
  return catalog
}

/** The catalog in `file`, or none (only `_id`) when there is no file. */
export function loadIndexCatalog(file: string | null): IndexCatalog {
  if (!file) return new Map()
  if (!fs.existsSync(file)) {
    console.warn(`[database] no index config at ${file}: only _id is indexed`)
    return new Map()
  }
  return parseIndexCatalog(JSON.parse(fs.readFileSync(file, 'utf8')))
}

/** Every index of a collection, `_id_` first. */
export function indexesOf(catalog: IndexCatalog, coll: string): readonly IndexDef[] {
  return [ID_INDEX, ...(catalog.get(coll) ?? [])]
}

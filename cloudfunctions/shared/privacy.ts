/**
 * The I/O behind domain/privacy.ts: reading a member's rows for the export and erasing them for a
 * deletion, relation by relation as declared there. Field keys are read through the indexes the
 * declaration names (deploy/indexes.ts), in pages (readAll); id keys by `_id`.
 */
import { isOwnFile, MEMBER_RELATIONS, fillPrefix, keyValues, type MemberRelation, type RowKey, type Subject } from '../../domain/privacy'
import { cloud, db, _ } from './cloud'
import { auditLog } from './collections/audit_log'
import { handleOf } from './collections'
import { findById, readAll } from './query'
import type { Doc, Transaction } from './sdk-types'
import { getInTransaction } from './transaction'

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

/** The query condition of a field or prefix key (an id key is read by `_id`). */
function conditionOf(key: Exclude<RowKey, { by: 'id' }>, who: Subject): object {
  if (key.by === 'field') {
    const values = keyValues(key, who)
    return { [key.field]: values.length === 1 ? values[0] : _.in(values) }
  }
  // a prefix regular expression on _id is a range scan of the _id index
  const ids = key.prefixes.map(p => ({ _id: db.RegExp({ regexp: `^${escapeRegExp(fillPrefix(p, who))}` }) }))
  return ids.length === 1 ? ids[0] : _.or(ids)
}

/** The member's rows of one relation, in the declared order. */
export async function rowsOf(relation: MemberRelation, who: Subject): Promise<Doc[]> {
  const collection = handleOf(relation.collection)
  if (relation.key.by === 'id') {
    const doc = await findById(collection, who.openid)
    return doc ? [doc] : []
  }
  let query = collection.where(conditionOf(relation.key, who))
  for (const [field, direction] of relation.order) query = query.orderBy(field, direction)
  return readAll(query)
}

/** Every relation's rows except the member doc's own (the caller has it), read in parallel. */
export async function memberRows(who: Subject): Promise<Array<{ relation: MemberRelation; rows: Doc[] }>> {
  const relations = MEMBER_RELATIONS.filter(r => r.collection !== 'members')
  const rows = await Promise.all(relations.map(r => rowsOf(r, who)))
  return relations.map((relation, i) => ({ relation, rows: rows[i] }))
}

/** An update's data: an object value replaces the field whole (a plain object would be merged key by key). */
function replacing(fields: Readonly<Record<string, unknown>>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, v !== null && typeof v === 'object' && !Array.isArray(v) ? _.set(v) : v]))
}

const generic = (r: MemberRelation) => !r.erasedBy && r.erase.do !== 'keep'

/** Inside the deletion transaction: the rows keyed by the OPENID itself (roles, NPS state, subscriptions, …). */
export async function eraseByIdIn(t: Transaction, who: Subject): Promise<void> {
  for (const relation of MEMBER_RELATIONS.filter(r => generic(r) && r.key.by === 'id')) {
    const erase = relation.erase
    const collection = handleOf(relation.collection)
    if (!(await getInTransaction(t, collection, who.openid))) continue
    if (erase.do === 'delete') await collection.in(t).doc(who.openid).remove()
    else if (erase.do === 'anonymize')
      await collection
        .in(t)
        .doc(who.openid)
        .update({ data: replacing(erase.fields) })
  }
}

/**
 * After the transaction: the rows found by a field or an id prefix, deleted or anonymized by one
 * query each (and the open ones settled by a second: `settle`, stamped `erasedAt`, the deletion's
 * start). Repeatable: a second run finds nothing left to delete or settle and writes the same values again.
 */
export async function eraseRows(who: Subject, erasedAt: Date): Promise<void> {
  await Promise.all(
    MEMBER_RELATIONS.filter(r => generic(r) && r.key.by !== 'id').map(async relation => {
      const erase = relation.erase
      const condition = conditionOf(relation.key as Exclude<RowKey, { by: 'id' }>, who)
      const rows = handleOf(relation.collection).where(condition)
      if (erase.do === 'delete') await rows.remove()
      else if (erase.do === 'anonymize') {
        await rows.update({ data: replacing(erase.fields) })
        const settle = erase.settle
        if (settle)
          await handleOf(relation.collection)
            .where({ ...condition, ...settle.where })
            .update({ data: { ...replacing(settle.set), [settle.stamp]: erasedAt } })
      }
    }),
  )
}

/**
 * The member's files the database knows: the given ones (the avatar, recorded by the deletion
 * transaction) and the exports the member made as an operator (their audit rows carry the fileId),
 * only those under the member's own folders. Files nothing records cannot be found: the SDK has no
 * listing (see docs/privacy.md).
 */
export async function memberFiles(who: Subject, recorded: string[]): Promise<string[]> {
  const audited = await readAll(
    auditLog
      .where({ actor: who.openid, fileId: _.exists(true) })
      .orderBy('at', 'desc')
      .field({ fileId: true }),
  )
  const ids = [...recorded, ...audited.map(r => String(r.fileId))]
  return [...new Set(ids)].filter(id => isOwnFile(id, who.openid))
}

/** wx-server-sdk's per-file status for a file that is not there (already deleted: fine on a retry). */
const FILE_GONE = -503003
const DELETE_BATCH = 50

/** Deletes the files; throws when one could not be deleted (the deletion stays pending and a retry tries again). */
export async function deleteFiles(fileIds: string[]): Promise<void> {
  for (let i = 0; i < fileIds.length; i += DELETE_BATCH) {
    const { fileList } = await cloud.deleteFile({ fileList: fileIds.slice(i, i + DELETE_BATCH) })
    const failed = fileList.filter(f => f.status !== 0 && f.status !== FILE_GONE)
    if (failed.length) throw new Error(`files not deleted: ${failed.map(f => `${f.fileID} (${f.status} ${f.errMsg ?? ''})`).join(', ')}`)
  }
}

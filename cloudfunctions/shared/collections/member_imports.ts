/**
 * `member_imports/<phone>`: imported members (types/import.ts); after a claimed member deleted the
 * account, a tombstone `member_imports/<erasedImportId(phone)>` without personal data.
 */
import type { ErasedImportDoc, MemberImportDoc } from '../../../types/import'
import { collectionHandle, type CollectionHandle } from '../collection'

export type { ErasedImportDoc, MemberImportDoc }
export { erasedImportId } from '../../../domain/import'

export const memberImports = collectionHandle<MemberImportDoc>('member_imports')
/** the same collection, read at a tombstone's id */
export const erasedImports = memberImports as unknown as CollectionHandle<ErasedImportDoc>

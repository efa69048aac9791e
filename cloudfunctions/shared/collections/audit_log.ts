/** `audit_log`: who changed what, before and after (written by shared/audit.ts). */
import type { AuditRow } from '../../../types/console'
import { collectionHandle } from '../collection'
import type { Doc } from '../sdk-types'

export interface AuditDoc {
  _id: string
  /** a staff/admin/member OPENID, 'console' (no OPENID), or 'timer' for scheduled jobs */
  actor: string
  action: string
  target: string
  before: unknown
  after: unknown
  at: Date
  storeId?: string
  [extra: string]: unknown
}

export const auditLog = collectionHandle<AuditDoc>('audit_log')

/** An audit row as the console shows it. */
export function auditRow(r: Doc): AuditRow {
  return {
    id: String(r._id),
    actor: String(r.actor ?? ''),
    action: String(r.action ?? ''),
    target: String(r.target ?? ''),
    before: r.before ?? null,
    after: r.after ?? null,
    storeId: typeof r.storeId === 'string' ? r.storeId : null,
    reason: typeof r.reason === 'string' ? r.reason : typeof r.after?.reason === 'string' ? r.after.reason : null,
    at: new Date(r.at).toISOString(),
  }
}

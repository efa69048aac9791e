/** The `audit_log`: who changed what, before and after. Written in the same transaction as the change where there is one. */
import type { CallContext } from './handler'
import { auditLog } from './collections/audit_log'
import type { Transaction } from './sdk-types'

export interface AuditEntry {
  /** a staff/admin/member OPENID, 'console' (no OPENID), or 'timer' for scheduled jobs */
  actor: string
  action: string
  target: string
  before?: unknown
  after?: unknown
  at: Date
  [extra: string]: unknown
}

export function actorOf(ctx: CallContext): string {
  return ctx.openid ?? (ctx.source === 'timer' ? 'timer' : 'console')
}

function row(entry: AuditEntry): Record<string, unknown> {
  return { ...entry, before: entry.before ?? null, after: entry.after ?? null }
}

export async function audit(entry: AuditEntry): Promise<void> {
  await auditLog.add({ data: row(entry) })
}

export async function auditIn(t: Transaction, entry: AuditEntry): Promise<void> {
  await auditLog.in(t).add({ data: row(entry) })
}

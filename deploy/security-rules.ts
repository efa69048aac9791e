/**
 * Database security rules (安全规则), per collection. The mini-program never reads or writes the
 * database directly: every access goes through a cloud function, whose admin SDK is not bound by
 * these rules. So every collection denies all direct client access — the CUSTOM-rule form of the
 * console's simple permission “仅管理员可读写” (ADMINONLY). `npm run deploy:config` writes them into
 * deploy/database.json; paste one into 文档型数据库 → 集合 → 权限设置 → 自定义安全规则, or let
 * scripts/deploy-database.ts set them.
 */
import { COLLECTIONS } from '../types/collections'

/** A rule value is a boolean or an expression (e.g. "doc._openid == auth.openid"). */
export interface SecurityRule {
  read: boolean | string
  write: boolean | string
}

export const DENY_ALL: Readonly<SecurityRule> = Object.freeze({ read: false, write: false })

/** The rule of every collection, in COLLECTIONS order. */
export function securityRules(collections: readonly string[] = COLLECTIONS): Record<string, SecurityRule> {
  return Object.fromEntries(collections.map(name => [name, { ...DENY_ALL }]))
}

/** True when the rule lets no client read or write (only the literal `false` counts). */
export function deniesAll(rule: object): boolean {
  const r = rule as Record<string, unknown>
  return r.read === false && r.write === false && Object.values(r).every(v => v === false)
}

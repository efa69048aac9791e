/**
 * Bulk import (issue 7): a brand's member list with opening point balances, and partner exchange
 * codes for coupon templates. Rows arrive as loose cells (a CSV gives strings, JSON numbers too)
 * and are normalized one by one in domain/import.ts, so one bad row never fails the call.
 */
import { z } from 'zod'
import { GENDERS } from './member'
import { templateId } from './coupons'

/** At most this many rows per `importMembers` call and codes per `importCouponCodes` call (the CLI splits bigger files). */
export const IMPORT_BATCH_MAX = 500
export const CODE_BATCH_MAX = 1000

/** Names one batch in the audit log and on the import records (not part of a row's identity). */
export const importBatchId = z.string().regex(/^[\w.-]{1,64}$/, 'batchId 为 1–64 位字母数字、_、. 或 -')

/** The brand's own member id from the old system. */
export const externalId = z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'externalId 为 1–64 位字母数字、_、. 或 -')

/** A partner's exchange code: 4–64 letters, digits or -. Case is kept and significant. */
export const externalCouponCode = z.string().regex(/^[A-Za-z0-9-]{4,64}$/, '兑换码为 4–64 位字母、数字或 -')

const cell = z
  .union([z.string().max(200), z.number()])
  .nullable()
  .optional()

/** One row as sent: cells as the file had them. Unknown columns make the row INVALID_ROW. */
export const MemberImportRowInputSchema = z
  .object({
    externalId: z.union([z.string().max(200), z.number()]),
    phone: z.union([z.string().max(200), z.number()]),
    name: cell,
    /** YYYY-MM-DD (also YYYY/MM/DD, YYYY.M.D, YYYYMMDD) */
    birthday: cell,
    /** the day the member joined the brand (same formats); kept on the import record, not applied to the member's createdAt */
    joinDate: cell,
    /** whole points, ≥ 0 */
    openingPoints: cell,
    /** male / female / unknown, or 男 / 女 */
    gender: cell,
    /** a tier of the current ladder: applied as a manual `floor` when the member is claimed */
    tierId: cell,
    /** manual tags: an array, or one cell separated by | ; ， or 、 */
    tags: z
      .union([z.string().max(400), z.array(z.string().max(32)).max(20)])
      .nullable()
      .optional(),
  })
  .strict()
export type MemberImportRowInput = z.infer<typeof MemberImportRowInputSchema>

/** A row after normalization: what is stored and compared. */
export interface MemberImportRow {
  externalId: string
  /** 11-digit mainland mobile number: the row's identity and the claim key */
  phone: string
  name: string | null
  birthday: string | null
  joinDate: string | null
  openingPoints: number
  gender: (typeof GENDERS)[number] | null
  tierId: string | null
  tags: string[]
}

/** Stable per-row error codes in an import report. */
export const IMPORT_ROW_ERRORS = [
  'INVALID_ROW', // the row failed validation (field says which cell)
  'DUPLICATE_IN_BATCH', // the same phone or externalId appears earlier in this call
  'PHONE_CONFLICT', // the phone was imported before under another externalId
  'EXTERNAL_ID_CONFLICT', // the externalId was imported before with another phone
  'ALREADY_CLAIMED', // the row changed, but its member already received the imported profile and balance; or that member then deleted the account (an erased import: never imported again)
  'CONFLICT', // too much contention on this row right now: send the batch again
] as const
export type ImportRowErrorCode = (typeof IMPORT_ROW_ERRORS)[number]

export interface ImportRowError {
  /** 0-based index in this call's rows */
  index: number
  externalId: string | null
  code: ImportRowErrorCode
  message: string
  field?: string
}

/**
 * created: a new pending import (the member claims it by binding the phone) · attached: the phone
 * already belongs to a member, who received the profile and opening balance now · updated: a
 * pending import changed · unchanged: the same row again (a retried batch).
 */
export type ImportRowOutcome = 'created' | 'attached' | 'updated' | 'unchanged'

export interface ImportMembersReport {
  dryRun: boolean
  batchId: string
  rows: number
  created: number
  attached: number
  updated: number
  unchanged: number
  errors: number
  /** rows not reached within this call's time budget: send the same batch again (done rows answer unchanged) */
  unfinished: number
  rowErrors: ImportRowError[]
}

/**
 * `member_imports/<phone>`: one imported member. `pending` until a member binds the phone (or the
 * phone was already bound at import); then `claimed`, with the personal cells moved to the member
 * and erased here. `importId` (random, made once) is the ledger source id of the opening balance.
 */
export interface MemberImportDoc extends Omit<MemberImportRow, 'phone'> {
  _id: string
  importId: string
  /** sha256 of the normalized row: a re-sent row is recognised after the cells were erased */
  rowHash: string
  status: 'pending' | 'claimed'
  memberId: string | null
  claimedAt: Date | null
  claimedVia: 'bind' | 'import' | null
  batchId: string
  createdAt: Date
  updatedAt: Date
}

/**
 * What stays of a claimed import after its member deleted the account (PIPL erasure): the record
 * `member_imports/<phone>` is replaced, in the deletion transaction, by `member_imports/<erasedImportId(phone)>`
 * (domain/import.ts: `erased:` + sha256 of the phone with a fixed prefix). It holds no personal data —
 * no phone, externalId, name, balance, member id or row hash — only that the row was claimed and erased,
 * so importing that phone again is reported ALREADY_CLAIMED instead of creating a claimable record
 * (the opening balance was paid once already).
 */
export interface ErasedImportDoc {
  _id: string
  status: 'erased'
  claimed: true
  erasedAt: Date
}

/** The ledger row of an opening balance: kind `adjust`, source `import`, id `adjust:import:<importId>`. */
export const OPENING_BALANCE_REASON = '期初积分（会员迁移）'

/**
 * `coupon_codes`: imported partner codes. `<templateId>:<code>` is one code (the `_id` makes it
 * unique per template) with its `seq` in the template's pool; `<templateId>` is the pool counter
 * `{ imported, assigned }`. Issuing a coupon of a template with a pool takes code number `assigned`
 * in the issuing transaction (the counter serializes parallel claims).
 */
export interface CouponCodeDoc {
  _id: string
  kind: 'code'
  templateId: string
  code: string
  seq: number
  couponId: string | null
  memberId: string | null
  assignedAt: Date | null
  batchId: string | null
  importedAt: Date
}

export interface CouponCodePoolDoc {
  _id: string
  kind: 'pool'
  templateId: string
  imported: number
  assigned: number
  updatedAt: Date
}

export const codeDocId = (template: string, code: string) => `${template}:${code}`
/** The pool counter's id: a template id has no ':', so it never collides with a code. */
export const codePoolId = (template: string) => template

export const CODE_ERRORS = ['INVALID_CODE', 'DUPLICATE_IN_BATCH', 'ALREADY_EXISTS'] as const
export type CodeErrorCode = (typeof CODE_ERRORS)[number]

export interface ImportCouponCodesReport {
  dryRun: boolean
  templateId: string
  received: number
  imported: number
  errors: number
  codeErrors: Array<{ index: number; code: string; error: CodeErrorCode; message: string }>
  /** the template's pool after the call (dryRun: as it would be) */
  pool: { imported: number; assigned: number; available: number }
  /** set when the template's stock is larger than the codes left (its claim center would show stock that cannot be issued) */
  stockWarning: string | null
}

/** The admin events (spread into AdminEvents in types/admin.ts). */
export const ImportAdminActions = {
  importMembers: z
    .object({
      action: z.literal('importMembers'),
      batchId: importBatchId,
      /** each row is validated on its own: a bad row is reported, the others are imported */
      rows: z.array(z.unknown()).min(1).max(IMPORT_BATCH_MAX),
      dryRun: z.boolean().default(false),
    })
    .strict(),
  importCouponCodes: z
    .object({
      action: z.literal('importCouponCodes'),
      templateId,
      /** each code is checked on its own: invalid and duplicate codes are reported, the others stored */
      codes: z.array(z.unknown()).min(1).max(CODE_BATCH_MAX),
      batchId: importBatchId.optional(),
      dryRun: z.boolean().default(false),
    })
    .strict(),
}

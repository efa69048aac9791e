/**
 * PIPL: how every collection relates to a member, declared once. `member.exportMyData` reads and
 * `member.deleteMyAccount` erases by this declaration (cloudfunctions/member/privacy.ts through
 * cloudfunctions/shared/privacy.ts); test/functions/privacy-coverage.test.ts walks COLLECTIONS
 * against it and checks both actions row by row. A collection added to COLLECTIONS without an entry
 * here is a type error (and a failing test): somebody has to decide what it means for privacy.
 *
 * A collection that names a member has one or more relations: how the rows are found (`key`), which
 * export section they go to (and which fields: never another person's identity) and what deletion
 * does to them — `delete`, `anonymize` (these fields get these values; the row and its member id
 * stay, a pseudonymous key like the ledger's) or `keep` (with the reason: totals, audit duty).
 */
import { sha256 } from 'js-sha256'
import type { CollectionName } from '../types/collections'
import { DERIVED_EXPORT_FIELDS, type ExportRow, type ExportSection, type Member, type MemberDerivedExport } from '../types/member'

export const DELETED_NICKNAME = '已注销用户'
/** Why a 回访 task closed without the staff: the member deleted the account. */
export const MEMBER_DELETED_REASON = '会员已注销'

/**
 * The member's consent to the 用户隐私保护指引 as the member doc records it (cloudfunctions/member/consent.ts):
 * `privacyConsent: { version, agreedAt }` and the last `privacyWithdrawnAt`.
 */
export const CONSENT_RECORD_FIELDS = ['privacyConsent', 'privacyWithdrawnAt'] as const

/** Whose data: the OPENID (members' `_id`) and the member number. */
export interface Subject {
  openid: string
  memberNo: string
}
type SubjectKey = keyof Subject

/**
 * How a member's rows are found: `id` — `_id` is the OPENID; `field` — a field equal to the OPENID
 * or member number (several values: any of them); `idPrefix` — ids starting with a prefix in which
 * `{openid}` / `{memberNo}` are filled in. Field keys are served by an index whose first key is the
 * field (deploy/indexes.ts; the coverage test checks it), id keys by the built-in `_id` index.
 */
export type RowKey =
  { readonly by: 'id' } | { readonly by: 'field'; readonly field: string; readonly values: readonly SubjectKey[] } | { readonly by: 'idPrefix'; readonly prefixes: readonly string[] }

/**
 * Rows that still ask somebody to act on the member (an open 回访 task) are settled too: a row that
 * matches `where` gets `set`, and `stamp` the deletion time (`erasure.startedAt`: the same on a
 * retry, so a second run writes nothing new and finds nothing left to settle).
 */
export interface Settle {
  readonly where: Readonly<Record<string, unknown>>
  readonly set: Readonly<Record<string, unknown>>
  readonly stamp: string
  readonly why: string
}

export type Erasure =
  | { readonly do: 'delete'; readonly why: string }
  | { readonly do: 'anonymize'; readonly fields: Readonly<Record<string, unknown>>; readonly settle?: Settle; readonly why: string }
  /** `fields`: when the relation is part of a doc another relation erases, the fields it keeps */
  | { readonly do: 'keep'; readonly fields?: readonly string[]; readonly why: string }

export interface Relation {
  readonly key: RowKey
  /** the export's read order: the fields after the key field in its index */
  readonly order: ReadonlyArray<readonly [string, 'asc' | 'desc']>
  /** `pick` or `omit` (dot paths) the row's fields; `role` tags rows when one section has several relations */
  readonly export: { readonly section: ExportSection; readonly pick?: readonly string[]; readonly omit?: readonly string[]; readonly role?: string }
  readonly erase: Erasure
  /**
   * Who erases these rows when the generic steps do not (they are: id keys inside the deletion
   * transaction, the others after it by a repeatable query).
   */
  readonly erasedBy?: string
}

export type Declaration = { readonly names: 'member'; readonly relations: readonly Relation[] } | { readonly names: 'none'; readonly why: string }

const byId = { by: 'id' } as const
const memberIdField = { by: 'field', field: 'memberId', values: ['openid'] } as const
const KEEP_TOTALS = 'totals stay true: every report and balance is computed from these rows, keyed by the member id (a pseudonymous key once the profile is gone)'

/** Every collection in COLLECTIONS, and what it means for a member's export and deletion. */
export const PRIVACY = {
  members: {
    names: 'member',
    relations: [
      {
        key: byId,
        order: [],
        export: { section: 'member' },
        erase: {
          do: 'anonymize',
          fields: { nickname: DELETED_NICKNAME, avatarFileId: null, birthday: null, gender: 'unknown', phone: null },
          why: 'the profile goes; the doc stays (status deleted) so the OPENID is never signed up again and the wallet stays',
        },
        erasedBy: 'the deletion transaction (with status, deletedAt and a new codeKeyVersion)',
      },
      {
        key: byId,
        order: [],
        export: { section: 'derived' },
        erase: {
          do: 'anonymize',
          fields: { tags: [], manualTags: [], ruleTags: [], segmentIds: [], rfm: null, valueLayer: 'none', churn: null, unionid: null, advisor: null },
          why: 'profiling (tags, segments, RFM, churn and CLV with their reasons) and the WeCom link (UNIONID, advisor) go; tier, growth, stats and stage stay because a refund of an old purchase still reverses them (the tiers job skips deleted members)',
        },
        erasedBy: 'the deletion transaction',
      },
      {
        key: byId,
        order: [],
        export: { section: 'pointBatches' },
        erase: { do: 'keep', why: 'the wallet: points == sum(ledger) == sum(batches), and refunds of old purchases still reverse points' },
        erasedBy: 'nothing to erase',
      },
      {
        // the consent record: exported in `derived` (derivedOf shows every stored field)
        key: byId,
        order: [],
        export: { section: 'derived' },
        erase: {
          do: 'keep',
          fields: CONSENT_RECORD_FIELDS,
          why:
            'proof of consent: the brand must be able to show that what it processed before the deletion was consented to (PIPL art. 14; ' +
            'the processor bears the burden of proof, art. 69) — which guide version, when agreed, when withdrawn. It is a version label ' +
            'and two times under the pseudonymous id, no profile data, and nothing is processed on it after the deletion (art. 47: kept, ' +
            'not used). The audit rows privacyConsent / privacyConsentWithdrawn keep the history the same way.',
        },
        erasedBy: 'nothing to erase: the deletion transaction leaves these fields as they are',
      },
    ],
  },
  points_ledger: {
    names: 'member',
    relations: [
      {
        key: memberIdField,
        order: [
          ['createdAt', 'desc'],
          ['seq', 'desc'],
          ['_id', 'desc'],
        ],
        export: { section: 'ledger' },
        erase: { do: 'keep', why: KEEP_TOTALS },
      },
    ],
  },
  purchases: {
    names: 'member',
    relations: [
      {
        key: memberIdField,
        order: [['createdAt', 'desc']],
        export: { section: 'purchases', omit: ['staffOpenid'] },
        erase: { do: 'keep', why: `${KEEP_TOTALS}; refunds of old purchases still work` },
      },
    ],
  },
  refunds: { names: 'member', relations: [{ key: memberIdField, order: [['createdAt', 'desc']], export: { section: 'refunds', omit: ['staffOpenid'] }, erase: { do: 'keep', why: KEEP_TOTALS } }] },
  orders: {
    names: 'member',
    relations: [
      {
        key: memberIdField,
        order: [['orderedAt', 'desc']],
        export: { section: 'orders', pick: ['source', 'orderId', 'orderedAt', 'storeId', 'amountFen', 'purchaseId', 'via'] },
        erase: { do: 'anonymize', fields: { member: { erased: true }, pendingKey: null }, why: 'the order stays for the shop and the totals; who it was for (phone, external id) goes' },
        erasedBy: 'shared/orders.ts eraseOrderRefs: also the orders still waiting under the phone or claimed external id',
      },
    ],
  },
  coupons: {
    names: 'member',
    relations: [
      {
        key: memberIdField,
        order: [['issuedAt', 'desc']],
        export: { section: 'coupons' },
        erase: { do: 'keep', why: 'issued and used counts per template and campaign; a coupon holds no personal data beyond the member number' },
      },
    ],
  },
  checkins: {
    names: 'member',
    relations: [
      {
        key: memberIdField,
        order: [['day', 'desc']],
        export: { section: 'checkins', omit: ['_id', 'memberId'] },
        erase: { do: 'keep', why: 'check-ins per day in the report; the points they paid are in the ledger' },
      },
    ],
  },
  staff: {
    names: 'member',
    relations: [
      {
        key: byId,
        order: [],
        export: { section: 'roles', role: 'staff', pick: ['storeId', 'name', 'active'] },
        erase: { do: 'anonymize', fields: { active: false, name: DELETED_NICKNAME }, why: 'the till role ends; the row stays because purchases and audit rows name the staff member' },
      },
    ],
  },
  managers: {
    names: 'member',
    relations: [
      {
        key: byId,
        order: [],
        export: { section: 'roles', role: 'manager', pick: ['storeId', 'name', 'active'] },
        erase: { do: 'anonymize', fields: { active: false, name: DELETED_NICKNAME }, why: 'the console role ends; the row stays because audit rows name the manager' },
      },
    ],
  },
  admins: {
    names: 'member',
    relations: [
      {
        key: byId,
        order: [],
        export: { section: 'roles', role: 'admin', pick: ['name', 'createdAt'] },
        erase: { do: 'delete', why: 'admin access is the row itself (entered by hand): it goes with the account' },
      },
    ],
  },
  member_phones: {
    names: 'member',
    relations: [
      {
        key: memberIdField,
        order: [['boundAt', 'desc']],
        export: { section: 'phones', pick: ['_id', 'boundAt'] },
        erase: { do: 'delete', why: 'the phone claim: the number is free for someone else' },
      },
    ],
  },
  phone_codes: {
    names: 'member',
    relations: [{ key: byId, order: [], export: { section: 'phoneCodes', pick: ['phone', 'sentAt', 'expiresAt', 'attempts'] }, erase: { do: 'delete', why: 'a pending SMS code' } }],
  },
  member_imports: {
    names: 'member',
    relations: [
      {
        key: memberIdField,
        order: [['claimedAt', 'desc']],
        export: { section: 'imports', omit: ['memberId', 'rowHash'] },
        erase: { do: 'delete', why: 'the imported profile; a tombstone without personal data (a hash of the phone) stays so the opening balance is never paid twice' },
        erasedBy: 'the deletion transaction (record → tombstone, domain/import.ts erasedImportId)',
      },
    ],
  },
  code_uses: {
    names: 'member',
    relations: [
      {
        key: { by: 'idPrefix', prefixes: ['{memberNo}-'] },
        order: [['_id', 'asc']],
        export: { section: 'codeUses', omit: ['staffOpenid'] },
        erase: { do: 'delete', why: 'replay protection of member codes: the deleted member has no valid code any more' },
      },
    ],
  },
  coupon_claims: {
    names: 'member',
    relations: [
      {
        key: memberIdField,
        order: [['_id', 'asc']],
        export: { section: 'couponClaims', pick: ['templateId', 'count', 'updatedAt'] },
        erase: { do: 'delete', why: 'per-member claim limits: nobody claims for a deleted member (the template counts its stock itself)' },
      },
    ],
  },
  coupon_writeoffs: {
    names: 'member',
    relations: [
      {
        key: memberIdField,
        order: [['at', 'desc']],
        export: { section: 'couponWriteOffs', omit: ['staffOpenid', 'memberId', 'undone.by'] },
        erase: { do: 'keep', why: 'the store’s redemption record (audit duty, partner reconciliation); no personal data beyond the member number' },
      },
    ],
  },
  coupon_codes: {
    names: 'member',
    relations: [
      {
        key: memberIdField,
        order: [['assignedAt', 'desc']],
        export: { section: 'couponCodes', pick: ['templateId', 'code', 'couponId', 'assignedAt'] },
        erase: { do: 'keep', why: 'a partner code handed out must never be handed out again (the pool counts it), and the partner reconciles by it' },
      },
    ],
  },
  invites: {
    names: 'member',
    relations: [
      {
        key: byId,
        order: [],
        export: { section: 'invites', role: 'invitee', pick: ['inviteeNickname', 'joinedAt', 'status', 'rewardedAt', 'purchaseId'] },
        erase: { do: 'anonymize', fields: { inviteeNickname: DELETED_NICKNAME }, why: 'the inviter’s rewarded invitations and monthly cap count this row; the inviter sees 已注销用户' },
      },
      {
        key: { by: 'field', field: 'inviterId', values: ['openid'] },
        order: [['joinedAt', 'desc']],
        export: { section: 'invites', role: 'inviter', pick: ['joinedAt', 'status', 'rewardedAt'] },
        erase: { do: 'keep', why: 'these rows are the invitees’ (their link and reward); they only name the inviter by id' },
      },
      {
        key: { by: 'field', field: 'ownerId', values: ['openid'] },
        order: [['month', 'desc']],
        export: { section: 'inviteRewardCounts', pick: ['month', 'rewarded'] },
        erase: { do: 'keep', why: 'monthly counts of rewarded invitations: numbers only' },
      },
    ],
  },
  nps_state: {
    names: 'member',
    relations: [
      {
        key: byId,
        order: [],
        export: { section: 'npsSettings', pick: ['askedAt', 'optOut', 'updatedAt'] },
        erase: { do: 'delete', why: 'when the member was last asked and the opt-out: nobody asks a deleted member' },
      },
    ],
  },
  nps_responses: {
    names: 'member',
    relations: [
      {
        key: memberIdField,
        order: [['at', 'desc']],
        export: { section: 'npsAnswers', omit: ['memberId'] },
        erase: { do: 'anonymize', fields: { comment: '' }, why: 'the score stays for the NPS totals by store and month; the comment goes' },
      },
    ],
  },
  follow_ups: {
    names: 'member',
    relations: [
      {
        key: memberIdField,
        order: [['createdAt', 'desc']],
        export: { section: 'followUps', omit: ['memberId', 'closedBy'] },
        erase: {
          do: 'anonymize',
          fields: { nickname: DELETED_NICKNAME, comment: '', note: null },
          settle: {
            where: { status: 'open' },
            set: { status: 'closed', closedBy: 'system', closedReason: MEMBER_DELETED_REASON },
            stamp: 'closedAt',
            why: 'an open 回访 task would send staff after a member who no longer exists: it closes, with the reason, and still counts',
          },
          why: 'the store’s follow-up counts; the comment, the nickname and the staff’s note about the member go',
        },
      },
    ],
  },
  care_tasks: {
    names: 'member',
    relations: [
      {
        key: memberIdField,
        order: [['createdAt', 'desc']],
        export: { section: 'careTasks', omit: ['memberId', 'assigneeId', 'markedBy', 'sender'] },
        erase: {
          do: 'anonymize',
          fields: { nickname: DELETED_NICKNAME, message: '', reason: '', note: null, externalUserId: null },
          settle: {
            where: { status: 'open' },
            set: { status: 'closed', templateStatus: 'none', closedReason: MEMBER_DELETED_REASON },
            stamp: 'closedAt',
            why: 'an open 关怀 task would send staff (and a WeCom template) after a member who no longer exists: it closes, with the reason',
          },
          why: 'the care counts per store and staff stay; the message, the nickname, the note and the WeCom contact id go',
        },
      },
    ],
  },
  subscriptions: {
    names: 'member',
    relations: [
      {
        key: byId,
        order: [],
        export: { section: 'subscriptions', omit: ['_id', 'memberId'] },
        erase: { do: 'delete', why: 'subscribe-message grants and preferences: nothing is sent to a deleted member' },
      },
    ],
  },
  reminders_log: {
    names: 'member',
    relations: [
      {
        key: memberIdField,
        order: [['sentAt', 'desc']],
        export: { section: 'reminders', omit: ['memberId'] },
        erase: { do: 'anonymize', fields: { data: {}, basis: {} }, why: 'send counts per kind and campaign stay; the message content and what it was based on (scores) go' },
      },
    ],
  },
  events: {
    names: 'member',
    relations: [
      { key: memberIdField, order: [['at', 'desc']], export: { section: 'events', omit: ['memberId'] }, erase: { do: 'delete', why: 'views and clicks feed only this member’s recommendations' } },
    ],
  },
  rate_limits: {
    names: 'member',
    relations: [
      {
        key: { by: 'idPrefix', prefixes: ['track:{openid}:', 'code-staff:{openid}:', 'code-member:{memberNo}:'] },
        order: [['_id', 'asc']],
        export: { section: 'rateLimits', pick: ['_id', 'calls', 'expiresAt'] },
        erase: { do: 'delete', why: 'per-caller counters (track, member-code checks): nobody calls as a deleted member' },
      },
    ],
  },
  campaign_members: {
    names: 'member',
    relations: [
      {
        key: memberIdField,
        order: [['campaignId', 'asc']],
        export: { section: 'campaigns', pick: ['campaignId', 'group', 'outcome', 'couponId', 'reason'] },
        erase: { do: 'keep', why: 'a campaign’s treated and holdout groups: the lift report compares their purchases (no personal data in the row)' },
      },
    ],
  },
  wecom_contacts: {
    names: 'member',
    relations: [
      {
        key: memberIdField,
        order: [['addedAt', 'desc']],
        export: { section: 'wecomContacts', pick: ['externalUserId', 'wecomUserId', 'storeId', 'status', 'addedAt', 'linkedAt', 'removedAt'] },
        erase: { do: 'delete', why: 'the link of the member’s WeCom contact (UNIONID, external id): a contact WeCom reports again waits unlinked, as for a stranger' },
      },
    ],
  },
  channels: {
    names: 'member',
    relations: [
      {
        key: { by: 'field', field: 'staffOpenid', values: ['openid'] },
        order: [['createdAt', 'desc']],
        export: { section: 'roles', role: 'channelCode', pick: ['kind', 'storeId', 'name', 'createdAt'] },
        erase: {
          do: 'anonymize',
          fields: { name: DELETED_NICKNAME },
          why: 'a staff member’s 渠道码: sign-ups and the attribution report name the channel; the name printed on it (often the staff member’s) goes',
        },
      },
    ],
  },
  signups: {
    names: 'member',
    relations: [
      {
        key: byId,
        order: [],
        export: { section: 'signup', omit: ['_id', 'memberId', 'staffOpenid'] },
        erase: { do: 'keep', why: 'new members per channel, store and staff stay true in the attribution report; the row holds no personal data (the staff member is not exported)' },
      },
    ],
  },
  birthday_gifts: {
    names: 'member',
    relations: [
      {
        key: memberIdField,
        order: [['claimedAt', 'desc']],
        export: { section: 'birthdayGifts', pick: ['year', 'day', 'points', 'couponId', 'claimedAt'] },
        erase: { do: 'delete', why: 'the claim shows the birthday; its points stay in the ledger and its coupon in coupons, and nobody claims for a deleted member' },
      },
    ],
  },
  audit_log: {
    names: 'member',
    relations: [
      {
        key: { by: 'field', field: 'actor', values: ['openid'] },
        order: [['at', 'desc']],
        export: { section: 'audit', role: 'actor', pick: ['action', 'at', 'storeId'] },
        erase: { do: 'keep', why: 'audit duty: who changed what stays provable' },
      },
      {
        key: { by: 'field', field: 'target', values: ['openid', 'memberNo'] },
        order: [['at', 'desc']],
        export: { section: 'audit', role: 'target', pick: ['action', 'at', 'storeId'] },
        erase: { do: 'keep', why: 'audit duty: who changed what stays provable (the operator’s identity is not exported)' },
      },
    ],
  },

  settings: { names: 'none', why: 'rule documents' },
  tiers_config: { names: 'none', why: 'the tier ladder, lifecycle and model parameters (updatedBy names the operator who changed them: the audit trail)' },
  stores: { names: 'none', why: 'stores' },
  coupon_templates: { names: 'none', why: 'coupon definitions and their stock counters' },
  segments: { names: 'none', why: 'audience rules on member fields (SEGMENT_FIELDS has no identity field)' },
  campaigns: { names: 'none', why: 'campaign specs and counts (createdBy names the operator: the audit trail); who was in it is campaign_members' },
  jobs: { names: 'none', why: 'tiers runs and shards; the reminders cursor is a paging position (an id), overwritten every hour' },
  products: { names: 'none', why: 'the catalog' },
  item_neighbors: { names: 'none', why: 'co-purchase neighbours per product: aggregate counts, no member' },
  report_daily: {
    names: 'none',
    why: 'daily report rollups and member snapshots: counters, reminder send ids and 53-bit hashes of member ids (domain/report-rollup.ts memberKey) for distinct counts — no OPENID, member number or profile field; kept on deletion like the purchases they count (which keep their memberId to keep totals true), so a hash tells nothing the kept purchase rows do not',
  },
  api_keys: { names: 'none', why: 'keys of POS and shops (createdBy names the operator: the audit trail)' },
  api_nonces: { names: 'none', why: 'accepted API signatures per key: no member' },
} as const satisfies { readonly [C in CollectionName]: Declaration }

/** The collections that name a member. */
export type MemberCollection = { [C in CollectionName]: (typeof PRIVACY)[C] extends { names: 'member' } ? C : never }[CollectionName]

export type MemberRelation = Relation & { collection: MemberCollection }

/** Every relation of every member-naming collection, in the order of the declaration. */
export const MEMBER_RELATIONS: readonly MemberRelation[] = (Object.keys(PRIVACY) as CollectionName[]).flatMap(collection => {
  const decl: Declaration = PRIVACY[collection]
  return decl.names === 'member' ? decl.relations.map(r => ({ ...r, collection: collection as MemberCollection })) : []
})

/** `{openid}` / `{memberNo}` filled in. */
export function fillPrefix(prefix: string, who: Subject): string {
  return prefix.replace(/\{(openid|memberNo)\}/g, (_m, k: SubjectKey) => who[k])
}

/** What a field key compares with: the subject's values in declaration order. */
export function keyValues(key: Extract<RowKey, { by: 'field' }>, who: Subject): string[] {
  return key.values.map(k => who[k])
}

/** Does the row belong to the relation? (What the query selects, as a pure check for tests and retries.) */
export function rowMatches(key: RowKey, row: { _id: unknown; [field: string]: unknown }, who: Subject): boolean {
  if (key.by === 'id') return row._id === who.openid
  if (key.by === 'field') return keyValues(key, who).includes(row[key.field] as string)
  return key.prefixes.some(p => String(row._id).startsWith(fillPrefix(p, who)))
}

function withoutPath(row: Record<string, unknown>, path: string[]): Record<string, unknown> {
  const [head, ...rest] = path
  if (!(head in row)) return row
  const { [head]: value, ...others } = row
  if (!rest.length) return others
  return value && typeof value === 'object' && !Array.isArray(value) && !(value instanceof Date) ? { ...others, [head]: withoutPath(value as Record<string, unknown>, rest) } : row
}

/** A row as the export shows it: the declared fields only, tagged with the relation's role. */
export function exportRow(relation: Pick<Relation, 'export'>, row: Record<string, unknown>): ExportRow {
  const { pick, omit, role } = relation.export
  let out: Record<string, unknown> = pick ? Object.fromEntries(pick.filter(f => f in row).map(f => [f, row[f]])) : row
  for (const path of omit ?? []) out = withoutPath(out, path.split('.'))
  return role ? { role, ...out } : out
}

/**
 * Ledger and batch ids of an inviter's reward name the invitee's OPENID (`invite:<openid>`, see
 * shared/referrals.ts): in the inviter's export that part becomes a short hash, distinct per invitee.
 */
export function withoutInviteeId(id: string): string {
  return id.replace(/(^|:)invite:([^:]+)$/, (_m, lead: string, openid: string) => `${lead}invite:#${sha256(`invitee:${openid}`).slice(0, 10)}`)
}

/**
 * Member-doc fields the `derived` section leaves out: the profile (its own section), the wallet's
 * batches (their own section), another member's OPENID (`invitedBy`: the invitation section tells it
 * without the id) and the account's bookkeeping.
 */
const NOT_DERIVED = new Set([
  '_id',
  'openid',
  'memberNo',
  'nickname',
  'avatarFileId',
  'birthday',
  'gender',
  'phone',
  'points',
  'createdAt',
  'updatedAt',
  'lastLoginAt',
  'pointBatches',
  'invitedBy',
  'codeKeyVersion',
  'status',
  'deletedAt',
  'erasure',
])

/** Member-doc objects that name a staff member by OPENID (the WeCom advisor): exported without it. */
const NAMES_STAFF = new Set(['advisor'])

/**
 * The `derived` section: every other field the member doc holds, as stored — the validated ones
 * (DERIVED_EXPORT_FIELDS, defaults filled in from `member`) and any the schema does not know (a
 * consent record, a field added later), so a new field on the doc is exported without a change here.
 */
export function derivedOf(member: Member, doc: Record<string, unknown>): MemberDerivedExport {
  const stored = Object.entries(doc)
    .filter(([k]) => !NOT_DERIVED.has(k))
    .map(([k, v]) => [k, NAMES_STAFF.has(k) && v && typeof v === 'object' ? withoutPath(v as Record<string, unknown>, ['staffId']) : v] as const)
  const known = DERIVED_EXPORT_FIELDS.map(f => [f, member[f] ?? null] as const)
  return Object.fromEntries([...stored, ...known]) as unknown as MemberDerivedExport
}

/** The fields deletion writes on the member doc (the profile and the profiling relations of `members`). */
export function memberErasureFields(): Record<string, unknown> {
  return Object.assign({}, ...PRIVACY.members.relations.map(r => (r.erase.do === 'anonymize' ? r.erase.fields : {})))
}

/**
 * Cloud storage: a member writes only under `<kind>/<own openid>/…` (the storage security rule the
 * H5 gateway enforces too: avatars/, and exports/ that an operator's export writes). Is the file one
 * of the member's own? Deletion removes only those, never a shared or brand file.
 */
export function isOwnFile(fileId: string, openid: string): boolean {
  const m = /^cloud:\/\/[^/]+\/(.+)$/.exec(fileId)
  if (!m) return false
  const segments = m[1].split('/')
  return segments.length >= 3 && segments[0] !== '' && segments[1] === openid
}

/**
 * What the deletion transaction records on the member doc for the steps after it, so a crash midway
 * and a retry finish the job: the files and order keys it can no longer read from the erased profile.
 * `finishedAt` is set (and the lists emptied) when everything is done.
 */
export interface ErasurePlan {
  startedAt: Date
  files: string[]
  orderKeys: string[]
  finishedAt: Date | null
}

export function erasurePending(doc: { status?: unknown; erasure?: { finishedAt?: unknown } | null }): boolean {
  return doc.status === 'deleted' && !!doc.erasure && !doc.erasure.finishedAt
}

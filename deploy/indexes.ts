/**
 * The database indexes every query in cloudfunctions/ needs, per collection: the one place they are
 * declared. `npm run deploy:config` turns them into deploy/database.json (the shape of
 * @cloudbase/manager-node's `database.updateCollection(name, { CreateIndexes })`), which
 * scripts/deploy-database.ts applies or you enter in the console (文档型数据库 → 集合 → 索引管理).
 *
 * Every collection in COLLECTIONS has an entry (the type makes a missing or misspelt one a tsc
 * error); an empty list means no query beyond `_id` (doc(id), `where({ _id })`, adds), which the
 * built-in `_id` index serves. When you add a `where`/`orderBy`/aggregate `match` on other fields,
 * add the index here and run `npm run deploy:config`.
 *
 * Keys are in index order; 1 ascending, -1 descending. Names: letters, digits and `_`.
 */
import type { CollectionName } from '../types/collections'

export type IndexDirection = 1 | -1

export interface IndexSpec {
  /** unique within its collection */
  name: string
  /** the fields in index order, each with its direction */
  keys: Readonly<Record<string, IndexDirection>>
  unique?: boolean
}

export const INDEXES: { readonly [C in CollectionName]: readonly IndexSpec[] } = {
  members: [
    // shared/members.ts memberByNo: where({ memberNo }) — the member code and memberNo at the till;
    // member freeMemberNo: where({ memberNo }).count(); admin coupons: where({ memberNo: _.in(…) }).
    // Unique: one member per number.
    { name: 'memberNo_unique', keys: { memberNo: 1 }, unique: true },
    // admin rollupReports (report-rollup.ts): where({ createdAt: day }) paged in (createdAt, _id) order (who joined);
    // the first member: where({ createdAt: _.gt(0) }).orderBy('createdAt').orderBy('_id').limit(1);
    // admin listMembers: orderBy('createdAt', 'desc').skip().limit() (the index read backwards);
    // admin report: aggregate().match({ createdAt: range }).group(Shanghai day) (members who joined)
    { name: 'createdAt_id', keys: { createdAt: 1, _id: 1 } },
    // admin expirePoints: where({ 'pointBatches.expiresAt': _.lte(now) }).orderBy('pointBatches.expiresAt').orderBy('_id')
    // .limit(page) (multikey; expired members drop out, so each call starts again from the first still due);
    // its dryRun: aggregate().match({ 'pointBatches.expiresAt': _.lte(now) }).unwind().group()
    { name: 'pointBatches_expiresAt_id', keys: { 'pointBatches.expiresAt': 1, _id: 1 } },
    // tiers applyTimeTransitions: where({ stage: _.in(…), recencyAt | createdAt: _.lt(cutoff), status }).update()
    { name: 'stage_recencyAt', keys: { stage: 1, recencyAt: 1 } },
    { name: 'stage_createdAt', keys: { stage: 1, createdAt: 1 } },
    // tiers modelsAndCuts sample: where({ _id: _.gt(last), 'stats.purchaseDays': _.gte(1) }).orderBy('_id').limit(1000)
    // pages: the built-in _id index (a (purchaseDays, _id) order would sample the rarest buyers first)
    // admin searchMembers: where({ nickname: RegExp('^' + prefix), status }).limit(20) (a prefix match uses the index)
    { name: 'nickname', keys: { nickname: 1 } },
    // shared/wecom-link.ts memberIdByUnionid (wecom callback): where({ unionid }).limit(1) — the WeCom link by UNIONID
    { name: 'unionid', keys: { unionid: 1 } },
    // admin consoleHome: members.where({ createdAt: range }).count() (createdAt_id above)
    // admin rollupReports' member snapshot (report, consoleHome): orderBy('_id') pages with a few fields (the _id index).
    // admin report cohorts: $lookup from purchases by _id (the built-in index).
    // shared/segments.ts: a saved segment's members, where({ segmentIds: id }) .count() (previewSegment,
    // exportSegment) and paged in _id order (export, issueCoupons, campaigns) — multikey. A rule tried out
    // before saving is counted over the first members in _id order (the built-in index).
    { name: 'segmentIds_id', keys: { segmentIds: 1, _id: 1 } },
  ],
  admins: [], // admin access.ts requireAdmin: where({ _id })
  staff: [
    // admin listStaff: where({ storeId }).orderBy('_id', 'asc') (requireStaff and exports use _id)
    { name: 'storeId_id', keys: { storeId: 1, _id: 1 } },
    // shared/wecom-link.ts staffByWecomUser (wecom callback): where({ wecomUserId }).limit(1)
    { name: 'wecomUserId', keys: { wecomUserId: 1 } },
    // shared/wecom-link.ts staffByState (wecom callback): where({ 'contactWay.state': state }).limit(1)
    { name: 'contactWay_state', keys: { 'contactWay.state': 1 } },
  ],
  stores: [], // by _id only (admin listStores: orderBy('_id', 'asc'), served by the _id index)
  settings: [], // rule documents by _id (shared/rules.ts)
  points_ledger: [
    // shared/members.ts ledgerOf (member pointsHistory, exportMyData):
    // where({ memberId }).orderBy('createdAt', 'desc').orderBy('seq', 'desc').orderBy('_id', 'desc')
    { name: 'memberId_createdAt_seq_id', keys: { memberId: 1, createdAt: -1, seq: -1, _id: -1 } },
    // admin rollupReports: where({ createdAt: day }) paged in (createdAt, _id) order;
    // admin report: aggregate().match({ createdAt: month of the range }).group(kind, sourceType)
    { name: 'createdAt_id', keys: { createdAt: 1, _id: 1 } },
  ],
  purchases: [
    // tiers similarity: where({ createdAt: _.gte(a year ago) }).orderBy('_id', 'asc');
    // admin report: aggregate().match({ createdAt: range, status }) (buyers by purchase days, cohorts)
    { name: 'createdAt_id', keys: { createdAt: 1, _id: 1 } },
    // member exportMyData: where({ memberId }).orderBy('createdAt', 'desc');
    // member myPurchases: where({ memberId }).orderBy('createdAt', 'desc').skip().limit() and .count();
    // member tasks first_purchase: where({ memberId }).count();
    // admin report follow-ups: where({ memberId: _.in(…), createdAt: window, _id: _.gt(last) }).orderBy('_id', 'asc')
    { name: 'memberId_createdAt', keys: { memberId: 1, createdAt: -1 } },
    // staff today: where({ storeId, createdAt: day }).orderBy('createdAt', 'desc').limit(20) and
    // aggregate().match({ storeId, createdAt: day }); staff tillQuickKeys: where({ storeId, createdAt:
    // 30 days }).orderBy('createdAt', 'desc').skip(0 | 1000).limit(1000), two pages at most;
    // admin consoleReport (a store, domain/report-store.ts): aggregate().match({ storeId (, createdAt: range) })
    // then group by member and $lookup the member by _id (the store's customers, new members, cohorts)
    { name: 'storeId_createdAt', keys: { storeId: 1, createdAt: -1 } },
    // admin searchMembers / member360 for a store manager: where({ memberId, storeId }).limit(1) (did they buy here?)
    // and where({ memberId, storeId }).orderBy('createdAt', 'desc').limit(20) (their purchases in the store)
    { name: 'memberId_storeId_createdAt', keys: { memberId: 1, storeId: 1, createdAt: -1 } },
    // admin campaigns (conversions) and report follow-ups: where({ memberId: _.in(…), createdAt: window (, status) })
    // .orderBy('_id', 'asc') pages: the members bound the scan, `_id` serves the sort
    { name: 'memberId_id', keys: { memberId: 1, _id: 1 } },
  ],
  code_uses: [], // by _id (`<memberNo>-<step>`) only; member exportMyData / deleteMyAccount: _id RegExp('^<memberNo>-') (the _id index)
  phone_codes: [], // member bindPhoneBySms: where({ _id, phone, attempts, expiresAt }) — the _id index serves it
  audit_log: [
    // admin auditLog: where({ [filter], at: _.lt(before) }).orderBy('at', 'desc').limit(n), one index per filter;
    // admin member360: where({ target: _.in([openid, memberNo]) }).orderBy('at', 'desc').limit(20)
    // auditLog sorts by (at, _id) desc with the cursor _.or([{ at: _.lt(t) }, { at: t, _id: _.lt(id) }]):
    // `_id` ends each index so the sort is served (the emulator's classification found the old
    // at-only indexes left an in-memory sort)
    { name: 'at_id', keys: { at: -1, _id: -1 } },
    { name: 'actor_at_id', keys: { actor: 1, at: -1, _id: -1 } },
    { name: 'action_at_id', keys: { action: 1, at: -1, _id: -1 } },
    { name: 'target_at_id', keys: { target: 1, at: -1, _id: -1 } },
    // a store manager's auditLog: where({ storeId, [filter] }).orderBy('at', 'desc').orderBy('_id', 'desc')
    { name: 'storeId_at_id', keys: { storeId: 1, at: -1, _id: -1 } },
  ],
  refunds: [
    // member exportMyData: where({ memberId }).orderBy('createdAt', 'desc')
    { name: 'memberId_createdAt', keys: { memberId: 1, createdAt: -1 } },
    // staff today: aggregate().match({ storeId, createdAt: day }); admin consoleHome (a store): the same over the range
    { name: 'storeId_createdAt', keys: { storeId: 1, createdAt: -1 } },
    // admin rollupReports: where({ createdAt: day }) paged in (createdAt, _id) order;
    // admin consoleHome (brand): aggregate().match({ createdAt: range }).group(null)
    { name: 'createdAt_id', keys: { createdAt: 1, _id: 1 } },
  ],
  member_phones: [
    // admin dailyJobs' pending-order sweep: where({ boundAt: _.gte(7 days ago) }).orderBy('boundAt', 'asc')
    // (binding and the till read by _id, the phone)
    { name: 'boundAt', keys: { boundAt: 1 } },
    // member exportMyData: where({ memberId }).orderBy('boundAt', 'desc'); deleteMyAccount: where({ memberId }).remove()
    { name: 'memberId_boundAt', keys: { memberId: 1, boundAt: -1 } },
  ],
  checkins: [
    // member exportMyData: where({ memberId }).orderBy('day', 'desc') (check-in days are read by _id)
    { name: 'memberId_day', keys: { memberId: 1, day: -1 } },
    // admin report: aggregate().match({ day: range }).group(day, kind)
    { name: 'day_kind', keys: { day: 1, kind: 1 } },
    // admin rollupReports: where({ day: range }) paged in (day, _id) order; make-ups done on a day:
    // where({ kind: 'makeup', createdAt: day }) in (createdAt, _id) order
    { name: 'day_id', keys: { day: 1, _id: 1 } },
    { name: 'kind_createdAt_id', keys: { kind: 1, createdAt: 1, _id: 1 } },
  ],
  coupon_templates: [
    // admin listCouponTemplates: where({ status }).orderBy('_id', 'asc')
    { name: 'status_id', keys: { status: 1, _id: 1 } },
    // member claim center / welcome coupons: where({ channels, status: 'active' }).orderBy('_id', 'asc') (multikey)
    { name: 'channels_status_id', keys: { channels: 1, status: 1, _id: 1 } },
    // admin deleteSegment: where({ 'audience.segmentId', status: 'active' }).count()
    { name: 'audience_segmentId_status', keys: { 'audience.segmentId': 1, status: 1 } },
  ],
  coupons: [
    // shared/coupons.ts couponsInState available / expired: where({ memberId, status, validUntil }).orderBy('validUntil');
    // staff till tillCoupons: where({ memberId, status: 'available', validUntil, validFrom, type });
    { name: 'memberId_status_validUntil', keys: { memberId: 1, status: 1, validUntil: 1 } },
    // shared/coupons.ts couponsInState used: where({ memberId, status: 'used' }).orderBy('usedAt', 'desc')
    { name: 'memberId_status_usedAt', keys: { memberId: 1, status: 1, usedAt: -1 } },
    // member exportMyData: where({ memberId }).orderBy('issuedAt', 'desc')
    { name: 'memberId_issuedAt', keys: { memberId: 1, issuedAt: -1 } },
    // staff coupons at the till (shared/coupons.ts): where({ memberId, code: _.in(codes) }).orderBy('_id', 'asc')
    { name: 'memberId_code_id', keys: { memberId: 1, code: 1, _id: 1 } },
    // shared/reminders.ts expiring coupons: where({ memberId: _.in(ids), status: 'available', validUntil: _.gt(now) }).orderBy('_id', 'asc')
    { name: 'memberId_status_id', keys: { memberId: 1, status: 1, _id: 1 } },
    // member checkin usableCards: where({ memberId, type: 'makeup_card', status: 'available', validUntil }).orderBy('validUntil')
    { name: 'memberId_type_status_validUntil', keys: { memberId: 1, type: 1, status: 1, validUntil: 1 } },
    // admin expireCoupons: where({ status: 'available', validUntil: _.lte(now) })
    { name: 'status_validUntil', keys: { status: 1, validUntil: 1 } },
    // admin rollupReports: where({ issuedAt: day }) paged in (issuedAt, _id) order;
    // admin report: aggregate().match({ issuedAt: range[, status: 'available', validUntil] }).group(templateId, status)
    { name: 'issuedAt_id', keys: { issuedAt: 1, _id: 1 } },
    // admin listCouponTemplates (console 券): where({ templateId, status: 'used' }).count() per template
    { name: 'templateId_status', keys: { templateId: 1, status: 1 } },
  ],
  coupon_claims: [
    // member claim center: where({ memberId }).orderBy('_id', 'asc')
    { name: 'memberId_id', keys: { memberId: 1, _id: 1 } },
    // admin issueCoupons: where({ templateId, memberId: _.in(…) }).orderBy('_id', 'asc')
    { name: 'templateId_memberId', keys: { templateId: 1, memberId: 1 } },
  ],
  coupon_writeoffs: [
    // write-off and undo at the till: by _id;
    // admin consoleReport (a store): aggregate().match({ storeId, at: range, undone: null }).group(name)
    { name: 'storeId_at', keys: { storeId: 1, at: 1 } },
    // member exportMyData: where({ memberId }).orderBy('at', 'desc')
    { name: 'memberId_at', keys: { memberId: 1, at: -1 } },
    // admin rollupReports: where({ at: day }) paged in (at, _id) order
    { name: 'at_id', keys: { at: 1, _id: 1 } },
  ],
  invites: [
    // member tasks: where({ inviterId }).orderBy('joinedAt', 'desc').limit(…) (monthly counters are read by _id)
    { name: 'inviterId_joinedAt', keys: { inviterId: 1, joinedAt: -1 } },
    // member exportMyData: where({ ownerId }).orderBy('month', 'desc') (the inviter's monthly counters)
    { name: 'ownerId_month', keys: { ownerId: 1, month: -1 } },
  ],
  tiers_config: [], // rule documents by _id (shared/rules.ts)
  segments: [], // admin listSegments: orderBy('_id', 'asc'); otherwise by _id
  products: [
    // admin listProducts: where({ category?, onSale? }).orderBy('_id', 'asc');
    // staff tillCatalog with a category: where({ onSale, category, title: RegExp }).orderBy('_id', 'asc')
    { name: 'category_onSale_id', keys: { category: 1, onSale: 1, _id: 1 } },
    // admin listProducts with a category only: where({ category }).orderBy('_id', 'asc')
    { name: 'category_id', keys: { category: 1, _id: 1 } },
    // staff productByCode / tillCatalog: where(_.or([{ barcode }, { _id }])); admin upsert/importProducts:
    // where({ barcode: _.in(…) }) (one product per barcode, checked by the function: most have none)
    { name: 'barcode', keys: { barcode: 1 } },
    // staff tillCatalog without a category and tillQuickKeys' fallback: where({ onSale: true (, title: RegExp) })
    // .orderBy('_id', 'asc').limit(…); tillCatalog's categories: aggregate().match({ onSale: true }).group(category)
    { name: 'onSale_id', keys: { onSale: 1, _id: 1 } },
  ],
  events: [
    // written per batch by member track (by _id); read by the recommender: where({ memberId }).orderBy('at', 'desc')
    { name: 'memberId_at', keys: { memberId: 1, at: -1 } },
  ],
  // counters by _id (`track:<openid>:<minute>`); member exportMyData / deleteMyAccount: _id RegExp('^<scope>:<openid or memberNo>:') (the _id index)
  rate_limits: [
    // admin dailyJobs: where({ expiresAt: _.lt(now) }).remove() (counters whose window has passed)
    { name: 'expiresAt', keys: { expiresAt: 1 } },
  ],
  subscriptions: [
    // reminders run: orderBy('_id', 'asc') paging (members who ever answered a subscribe prompt); else by _id
  ],
  reminders_log: [
    // admin member360: where({ memberId }).orderBy('sentAt', 'desc')
    { name: 'memberId_sentAt', keys: { memberId: 1, sentAt: -1 } },
    // shared/reminders.ts recent log: where({ memberId: _.in(…), sentAt: _.gte(…) }).orderBy('_id', 'asc')
    { name: 'memberId_id', keys: { memberId: 1, _id: 1 } },
    // admin rollupReports: where({ sentAt: day }) paged in (sentAt, _id) order; the sends to a day's
    // buyers in the 30 days before: where({ memberId: _.in(…), sentAt }).orderBy('_id') (memberId_id above)
    { name: 'sentAt_id', keys: { sentAt: 1, _id: 1 } },
    // admin campaignReport: where({ kind: 'campaign', period: campaignId, status }).count()
    { name: 'kind_period_status', keys: { kind: 1, period: 1, status: 1 } },
  ],
  item_neighbors: [
    // tiers neighbours (similarity.ts removeStaleNeighbors): where({ updatedAt: _.lt(run start), _id: _.neq('__popular__') }).remove()
    // (reads by _id: the product id, or __popular__)
    { name: 'updatedAt', keys: { updatedAt: 1 } },
  ],
  nps_state: [], // by _id (the member's OPENID) only
  nps_responses: [
    // admin npsReport: where({ at: range, dismissed: false }).orderBy('at')
    { name: 'at_dismissed', keys: { at: 1, dismissed: 1 } },
    // admin consoleHome (a store): aggregate().match({ storeId, at: range, dismissed: false }).group(category)
    // admin consoleReport (a store): where({ storeId, at: range, _id: _.gt(last) }).orderBy('_id', 'asc')
    { name: 'storeId_at', keys: { storeId: 1, at: 1 } },
    // admin member360: where({ memberId }).orderBy('at', 'desc').limit(20)
    { name: 'memberId_at', keys: { memberId: 1, at: -1 } },
    // admin rollupReports: where({ at: day }) paged in (at, _id) order
    { name: 'at_id', keys: { at: 1, _id: 1 } },
  ],
  follow_ups: [
    // staff followUps: where({ storeId, status }).orderBy('createdAt', 'desc')
    { name: 'storeId_status_createdAt', keys: { storeId: 1, status: 1, createdAt: -1 } },
    // admin member360: where({ memberId }).orderBy('createdAt', 'desc').limit(20)
    { name: 'memberId_createdAt', keys: { memberId: 1, createdAt: -1 } },
  ],
  campaigns: [
    // admin listCampaigns: orderBy('startedAt', 'desc')
    { name: 'startedAt', keys: { startedAt: -1 } },
    // shared/reminders.ts messageCampaigns: where({ status: 'running', endsAt: _.gt(now) }).orderBy('_id')
    { name: 'status_endsAt', keys: { status: 1, endsAt: 1 } },
  ],
  campaign_members: [
    // admin startCampaign pending rows: where({ campaignId, outcome }).orderBy('_id'); counts by outcome
    { name: 'campaignId_outcome_id', keys: { campaignId: 1, outcome: 1, _id: 1 } },
    // admin startCampaign counts by group
    { name: 'campaignId_group', keys: { campaignId: 1, group: 1 } },
    // admin campaignReport: where({ campaignId }).orderBy('_id')
    { name: 'campaignId_id', keys: { campaignId: 1, _id: 1 } },
    // shared/reminders.ts campaignsOf: where({ campaignId: _.in(…), memberId: _.in(…), outcome: _.in(…) })
    { name: 'memberId_campaignId', keys: { memberId: 1, campaignId: 1 } },
  ],
  jobs: [
    // tiers shardsOf: where({ runId }).orderBy('index', 'asc')
    { name: 'runId_index', keys: { runId: 1, index: 1 } },
  ],
  member_imports: [
    // admin importMembers: where({ externalId: _.in(…) }) (an externalId imported with another phone);
    // rows and the claim at phone binding read by _id (the phone); erased-import tombstones by _id too
    { name: 'externalId', keys: { externalId: 1 } },
    // admin dailyJobs' pending-order sweep: where({ claimedAt: _.gte(7 days ago) }).orderBy('claimedAt', 'asc')
    { name: 'claimedAt', keys: { claimedAt: 1 } },
    // member exportMyData: where({ memberId }).orderBy('claimedAt', 'desc'); deleteMyAccount: where({ memberId }),
    // the imports the member claimed, erased with the account
    { name: 'memberId_claimedAt', keys: { memberId: 1, claimedAt: -1 } },
  ],
  orders: [
    // shared/orders.ts creditPendingOrders: where({ pendingKey: _.in(keys), status: 'pending' }).orderBy('_id', 'asc')
    // (receipts are read by _id, derived from source + orderId; imports by _id: _.in(…))
    { name: 'pendingKey_status_id', keys: { pendingKey: 1, status: 1, _id: 1 } },
    // member exportMyData: where({ memberId }).orderBy('orderedAt', 'desc'); deleteMyAccount: where({ memberId }).update(…)
    { name: 'memberId_orderedAt', keys: { memberId: 1, orderedAt: -1 } },
  ],
  api_keys: [
    // admin listApiKeys: where({}).orderBy('createdAt', 'desc') (a handful of keys; requests read by _id)
    { name: 'createdAt', keys: { createdAt: -1 } },
  ],
  api_nonces: [
    // orders auth rate limit: where({ keyId, at: _.gt(a minute ago) }).count() (replays: insert by _id)
    { name: 'keyId_at', keys: { keyId: 1, at: 1 } },
    // admin dailyJobs: where({ at: _.lt(10 minutes ago) }).remove()
    { name: 'at', keys: { at: 1 } },
  ],
  coupon_codes: [
    // shared/coupons.ts issueCouponIn: where({ templateId, seq }) — the next unassigned code of a
    // template's pool (code docs and the pool counter are otherwise read by _id)
    { name: 'templateId_seq', keys: { templateId: 1, seq: 1 } },
    // member exportMyData: where({ memberId }).orderBy('assignedAt', 'desc') (the partner codes handed to the member)
    { name: 'memberId_assignedAt', keys: { memberId: 1, assignedAt: -1 } },
  ],
  managers: [
    // admin listManagers: where({ storeId? }).orderBy('_id', 'asc') (access and member.login read by _id)
    { name: 'storeId_id', keys: { storeId: 1, _id: 1 } },
  ],
  wecom_contacts: [
    // shared/wecom-link.ts linkPendingContacts (member login): where({ unionid, memberId: null, status: 'active' })
    { name: 'unionid_memberId', keys: { unionid: 1, memberId: 1 } },
    // member exportMyData / deleteMyAccount (domain/privacy.ts): where({ memberId }).orderBy('addedAt', 'desc');
    // admin member360: the same, limit 20
    { name: 'memberId_addedAt', keys: { memberId: 1, addedAt: -1 } },
    // wecom syncTags: where({ status: 'active', _id: _.gt(cursor) }).orderBy('_id', 'asc').limit(100)
    { name: 'status_id', keys: { status: 1, _id: 1 } },
  ],
  channels: [
    // admin listChannels: orderBy('createdAt', 'desc') (createChannelCode and member.login read by _id)
    { name: 'createdAt', keys: { createdAt: -1 } },
    // member exportMyData / deleteMyAccount (domain/privacy.ts): where({ staffOpenid }).orderBy('createdAt', 'desc')
    { name: 'staffOpenid_createdAt', keys: { staffOpenid: 1, createdAt: -1 } },
  ],
  signups: [
    // admin attributionReport: where({ at: range }).orderBy('at', 'asc').orderBy('_id', 'asc') pages
    // (member.login writes by _id = OPENID; exportMyData reads by _id)
    { name: 'at_id', keys: { at: 1, _id: 1 } },
  ],
  birthday_gifts: [
    // member exportMyData / deleteMyAccount: where({ memberId }).orderBy('claimedAt', 'desc')
    // (claimBirthdayGift inserts and birthdayGift reads by the derived _id)
    { name: 'memberId_claimedAt', keys: { memberId: 1, claimedAt: -1 } },
  ],
  care_tasks: [
    // member exportMyData / deleteMyAccount: where({ memberId }).orderBy('createdAt', 'desc');
    // care step (reminders/care.ts): where({ memberId: _.in(page), createdAt: _.gte(a week ago) })
    { name: 'memberId_createdAt', keys: { memberId: 1, createdAt: -1 } },
    // staff myCareTasks: where({ assigneeId, status: _.in(…) }).orderBy('createdAt', 'desc')
    { name: 'assigneeId_status_createdAt', keys: { assigneeId: 1, status: 1, createdAt: -1 } },
    // staff myCareTasks (the store's pool): where({ storeId, assigneeId: null, status: _.in(…) }).orderBy('createdAt', 'desc')
    { name: 'storeId_assigneeId_status_createdAt', keys: { storeId: 1, assigneeId: 1, status: 1, createdAt: -1 } },
    // wecom pushCareTemplates: where({ templateStatus: 'queued', templateNotBefore: _.lte(now) }).orderBy('templateNotBefore', 'asc')
    { name: 'templateStatus_templateNotBefore', keys: { templateStatus: 1, templateNotBefore: 1 } },
    // care step outcomes: where({ outcomeOpen: true, _id: _.gt(cursor) }).orderBy('_id', 'asc')
    { name: 'outcomeOpen_id', keys: { outcomeOpen: 1, _id: 1 } },
    // admin careReport: where({ createdAt: range }).orderBy('createdAt', 'asc')
    { name: 'createdAt_id', keys: { createdAt: 1, _id: 1 } },
  ],
  report_daily: [
    // admin report / consoleReport (report-rollup.ts rollupsOf): where({ kind: 'day', day: range }) and
    // where({ kind: 'day', storeId, day: range }) paged in (day, _id) order; rollupReports: where({ kind, day, storeId: _.nin(…) }).remove()
    { name: 'kind_day_id', keys: { kind: 1, day: 1, _id: 1 } },
    { name: 'kind_storeId_day_id', keys: { kind: 1, storeId: 1, day: 1, _id: 1 } },
    // the latest member snapshot: where({ kind: 'snapshot' }).orderBy('snapshotDay', 'desc').limit(1)
    { name: 'kind_snapshotDay', keys: { kind: 1, snapshotDay: -1 } },
  ],
}

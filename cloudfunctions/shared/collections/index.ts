/**
 * Every collection's handle by name, for code that walks collections (the privacy export and erasure,
 * domain/privacy.ts). `satisfies` makes the compiler check that each name in types/collections.ts has one.
 */
import type { CollectionName } from '../../../types/collections'
import type { CollectionHandle } from '../collection'
import type { Doc } from '../sdk-types'
import { admins } from './admins'
import { apiKeys } from './api_keys'
import { nonces } from './api_nonces'
import { auditLog } from './audit_log'
import { birthdayGifts } from './birthday_gifts'
import { careTasks } from './care_tasks'
import { campaignMembers } from './campaign_members'
import { campaigns } from './campaigns'
import { channels } from './channels'
import { checkins } from './checkins'
import { codeUses } from './code_uses'
import { couponClaims } from './coupon_claims'
import { couponCodes } from './coupon_codes'
import { couponTemplates } from './coupon_templates'
import { writeOffs } from './coupon_writeoffs'
import { coupons } from './coupons'
import { events } from './events'
import { followUps } from './follow_ups'
import { invites } from './invites'
import { itemNeighbors } from './item_neighbors'
import { jobs } from './jobs'
import { reportDaily } from './report_daily'
import { managers } from './managers'
import { memberImports } from './member_imports'
import { memberPhones } from './member_phones'
import { members } from './members'
import { npsResponses } from './nps_responses'
import { npsState } from './nps_state'
import { orders } from './orders'
import { phoneCodes } from './phone_codes'
import { ledger } from './points_ledger'
import { products } from './products'
import { purchases } from './purchases'
import { rateLimits } from './rate_limits'
import { refunds } from './refunds'
import { remindersLog } from './reminders_log'
import { segments } from './segments'
import { settings } from './settings'
import { signups } from './signups'
import { staffRows } from './staff'
import { stores } from './stores'
import { subscriptions } from './subscriptions'
import { tiersConfig } from './tiers_config'
import { wecomContacts } from './wecom_contacts'

const HANDLES = {
  members,
  admins,
  staff: staffRows,
  stores,
  settings,
  points_ledger: ledger,
  purchases,
  code_uses: codeUses,
  phone_codes: phoneCodes,
  audit_log: auditLog,
  refunds,
  member_phones: memberPhones,
  checkins,
  coupon_templates: couponTemplates,
  coupons,
  coupon_claims: couponClaims,
  coupon_writeoffs: writeOffs,
  invites,
  tiers_config: tiersConfig,
  segments,
  jobs,
  products,
  events,
  rate_limits: rateLimits,
  subscriptions,
  reminders_log: remindersLog,
  item_neighbors: itemNeighbors,
  campaigns,
  campaign_members: campaignMembers,
  nps_state: npsState,
  nps_responses: npsResponses,
  follow_ups: followUps,
  member_imports: memberImports,
  coupon_codes: couponCodes,
  orders,
  api_keys: apiKeys,
  api_nonces: nonces,
  managers,
  wecom_contacts: wecomContacts,
  channels,
  signups,
  birthday_gifts: birthdayGifts,
  report_daily: reportDaily,
  care_tasks: careTasks,
} satisfies Record<CollectionName, CollectionHandle<any>>

/** The handle of a collection named at run time, its documents untyped. */
export function handleOf(name: CollectionName): CollectionHandle<Doc> {
  return HANDLES[name] as unknown as CollectionHandle<Doc>
}

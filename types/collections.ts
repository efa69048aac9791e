/**
 * Every database collection the code touches. CloudBase does not create collections on first
 * write, so deploying (and `npm start`, and the tests) creates these first.
 */
export const COLLECTIONS = ['members', 'admins', 'staff', 'stores', 'settings', 'points_ledger', 'purchases', 'code_uses', 'phone_codes', 'audit_log', 'refunds', 'member_phones', 'checkins', 'coupon_templates', 'coupons', 'coupon_claims', 'coupon_writeoffs', 'invites', 'tiers_config', 'segments', 'jobs', 'products', 'events', 'rate_limits', 'subscriptions', 'reminders_log', 'item_neighbors', 'campaigns', 'campaign_members', 'nps_state', 'nps_responses', 'follow_ups', 'member_imports', 'coupon_codes', 'orders', 'api_keys', 'api_nonces', 'managers'] as const
export type CollectionName = (typeof COLLECTIONS)[number]

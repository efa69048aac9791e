/** Reading members and their ledger, shared by the member, staff and admin functions (their homes: collections/members.ts, collections/points_ledger.ts). */
export * from './collections/members'
export { ledgerOf, toLedgerItem } from './collections/points_ledger'

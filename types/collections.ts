/**
 * Every database collection the code touches. CloudBase does not create collections on first
 * write, so deploying (and `npm start`, and the tests) creates these first.
 */
export const COLLECTIONS = ['members', 'admins', 'staff', 'stores'] as const
export type CollectionName = (typeof COLLECTIONS)[number]

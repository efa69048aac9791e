/** `jobs`: the `tiers` runs and shards (tiers/index.ts) and the reminders cursor; documents of several shapes, by id. */
import { collectionHandle } from '../collection'
import type { Doc } from '../sdk-types'

export const jobs = collectionHandle<Doc>('jobs')

/** `jobs/reminders-cursor`: the last subscriber `_id` the reminders run reached */
export const REMINDERS_CURSOR = 'reminders-cursor'

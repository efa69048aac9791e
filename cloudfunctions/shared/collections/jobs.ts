/** `jobs`: the `tiers` runs and shards (tiers/index.ts) and the reminders cursor; documents of several shapes, by id. */
import { _ } from '../cloud'
import { collectionHandle } from '../collection'
import type { Doc } from '../sdk-types'

export const jobs = collectionHandle<Doc>('jobs')

/** `jobs/reminders-cursor`: the last subscriber `_id` the reminders run reached */
export const REMINDERS_CURSOR = 'reminders-cursor'

/** `jobs/report_rollup`: the reports' daily rollups (admin/report-rollup.ts). */
export const ROLLUP_JOB_ID = 'report_rollup'

/**
 * Marks past days whose purchases were written after the day (a history import, a pending order
 * credited at the order's time) for the next rollup step to redo. One atomic `addToSet`, so the step's
 * own saves never lose a day; before the job's first run there is nothing to redo. Never throws.
 */
export async function markRollupDaysStale(days: string[]): Promise<void> {
  if (!days.length) return
  // the rows are written: a failure here only leaves the report of those days behind (rollupReports redoes them)
  await jobs
    .doc(ROLLUP_JOB_ID)
    .update({ data: { stale: _.addToSet({ $each: [...new Set(days)] }) } })
    .catch(err => console.error('[rollups] could not mark days stale', days, err))
}

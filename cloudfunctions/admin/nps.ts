/** NPS by store and month, from the answers given in a date range (Shanghai days). */
import type { AdminActions } from './actions'
import { npsTable } from '../../domain/nps'
import { _ } from '../shared/cloud'
import { npsResponses } from '../shared/collections/nps_responses'
import { readAll } from '../shared/query'

const DAY_MS = 86_400_000
/** 00:00 Shanghai of a YYYY-MM-DD day (Shanghai has kept +08:00 all year since 1991) */
const dayStart = (day: string) => new Date(`${day}T00:00:00+08:00`)

export const adminNpsActions: Pick<AdminActions, 'npsReport'> = {
  async npsReport(event) {
    const range = _.gte(dayStart(event.from)).and(_.lt(new Date(dayStart(event.to).getTime() + DAY_MS)))
    const rows = await readAll(npsResponses.where({ at: range, dismissed: false }).orderBy('at', 'asc').field({ storeId: true, score: true, at: true }))
    return npsTable(rows.map(r => ({ storeId: String(r.storeId), score: Number(r.score), at: new Date(r.at) })))
  },
}

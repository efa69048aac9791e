/**
 * `report_daily`: the reports' daily rollups (admin/report-rollup.ts, domain/report-rollup.ts): per
 * Shanghai day a brand doc (`<day>|*`) and one doc per store (`<day>|<storeId>`), `kind: 'day'`; and
 * the member snapshots (`snapshot|<day>`, `kind: 'snapshot'`). Documents of several shapes, by kind.
 */
import { collectionHandle } from '../collection'
import type { Doc } from '../sdk-types'

export const reportDaily = collectionHandle<Doc>('report_daily')

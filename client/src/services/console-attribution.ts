import type { AttributionOutputs } from '../../../types/attribution'
import type { Result } from '../../../types/result'
import { callFunction } from './cloud'

/** The `admin` function's 渠道码 and 拉新归因 actions (contracts in types/attribution.ts); brand admins only. */
export const attributionApi = {
  /** Shanghai days `from`–`to` (YYYY-MM-DD, both included, at most 366 days; the function checks). */
  report(from: string, to: string): Promise<Result<AttributionOutputs['attributionReport']>> {
    return callFunction('admin', { action: 'attributionReport', from, to })
  },
  /** every channel code with a short-lived link to its image (to print) */
  channels(): Promise<Result<AttributionOutputs['listChannels']>> {
    return callFunction('admin', { action: 'listChannels' })
  },
}

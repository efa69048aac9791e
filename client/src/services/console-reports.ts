import type { ConsoleReport } from '../../../types/report'
import type { Result } from '../../../types/result'
import { callFunction } from './cloud'

/**
 * The `admin` function's 报表 action (contract in types/report.ts), for the console's 报表 screen:
 * brand admins get the whole report, a store manager the sections of their store (the function
 * decides; anyone else gets PERMISSION_DENIED).
 */
export const reportsApi = {
  /** Shanghai days `from`–`to` (YYYY-MM-DD, both included, at most 366 days; the function checks). */
  report(from: string, to: string): Promise<Result<ConsoleReport>> {
    return callFunction('admin', { action: 'consoleReport', from, to })
  },
}

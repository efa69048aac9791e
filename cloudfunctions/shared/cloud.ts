/** The one place a function initialises wx-server-sdk: the environment it runs in (CloudBase or the local emulator). */
import cloud from 'wx-server-sdk'

cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV })

export { cloud }
export const db = cloud.database()
export const _ = db.command
export type Database = typeof db

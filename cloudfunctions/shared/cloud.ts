/** The one place a function initialises wx-server-sdk: the environment it runs in (CloudBase or the local emulator). */
import sdk from 'wx-server-sdk'
import type { Cloud } from './sdk-types'

export const cloud = sdk as unknown as Cloud
cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV })

export const db = cloud.database()
export const _ = db.command

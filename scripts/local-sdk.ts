/**
 * The unmodified wx-server-sdk pointed at a local CloudBase, for code that runs outside a function
 * (seeding, tests). Outside SCF the SDK probes Tencent's metadata host before requests to learn
 * whether it runs on Tencent Cloud; TENCENTCLOUD=true answers that locally, so nothing leaves the machine.
 */
import type { Cloud } from '../cloudfunctions/shared/sdk-types'

export function localCloud(serviceUrl: string, load: () => Cloud = () => require('wx-server-sdk')): Cloud {
  process.env.TENCENTCLOUD = 'true'
  const cloud = load()
  cloud.init({ env: 'local', serviceUrl, secretId: 'local', secretKey: 'local' })
  return cloud
}

/**
 * The unmodified wx-server-sdk pointed at a local CloudBase, for code that runs outside a function
 * (seeding, tests). Outside SCF the SDK probes Tencent's metadata host before requests to learn
 * whether it runs on Tencent Cloud; TENCENTCLOUD=true answers that locally, so nothing leaves the machine.
 */
import type { Cloud } from '../cloudfunctions/shared/sdk-types'

/** `timeoutMs`: the SDK's request timeout (its default is 15 s, as in a cloud function). */
export function localCloud(serviceUrl: string, timeoutMs?: number): Cloud {
  process.env.TENCENTCLOUD = 'true'
  // a separate instance per endpoint: the SDK's module-level init() only takes effect once
  const sdk = require('wx-server-sdk') as { createNewInstance(config: object): Cloud }
  return sdk.createNewInstance({ env: 'local', serviceUrl, secretId: 'local', secretKey: 'local', ...(timeoutMs ? { timeout: timeoutMs } : {}) })
}

import type { Result } from '../../../types/result'

/**
 * What every platform file (cloud.weapp.ts, cloud.h5.ts) provides. Pages import `./cloud`;
 * Taro resolves it to cloud.<TARO_ENV>.ts, TS and jest to cloud.ts.
 */
export interface PlatformServices {
  /** Once at app launch (idempotent): weapp → Taro.cloud.init; h5 → nothing. */
  initCloud(): void
  /** Calls a cloud function; never throws: transport failures come back as `{ ok: false, code: 'INTERNAL' }`. */
  callFunction<T>(name: string, event: Record<string, unknown>): Promise<Result<T>>
  /** Uploads a local temp file (weapp temp path, h5 blob:/data: URL) and resolves to its fileID. Throws on failure. */
  uploadFile(cloudPath: string, tempFilePath: string): Promise<string>
  /** A URL an <Image> can display for a cloud fileID. */
  fileUrl(fileID: string): Promise<string>
  /** h5: true when there is no gateway session yet (go to the local sign-in page). weapp: always false. */
  needsSignIn(): boolean
  /** h5: go to the local sign-in page. weapp: nothing (WeChat identity is implicit). */
  redirectToSignIn(): void
}

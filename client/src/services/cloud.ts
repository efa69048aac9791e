/**
 * Entry for TypeScript and jest only. Taro builds resolve `./cloud` to cloud.weapp.ts or
 * cloud.h5.ts by TARO_ENV, so this file never reaches a bundle.
 */
import type { PlatformServices } from './platform'
import type * as Weapp from './cloud.weapp'
import type * as H5 from './cloud.h5'

export * from './cloud.h5'

type Implements<T extends PlatformServices> = T
/** Compile-time check that both platform files provide the same API. */
export type PlatformConformance = [Implements<typeof Weapp>, Implements<typeof H5>]

/**
 * Taro config for `taro build native-components --type weapp` (scripts/builds.ts ensureNativeComponentsBuilt):
 * the member code and the coupon card compiled to native custom components in dist/native-components,
 * for the miniprogram-simulate tests (test/scripts/native-components.test.ts). Not part of the app:
 * `npm run build:weapp` never reads this file.
 *
 * Taro reads `<cwd>/config/index.ts`, so this folder is the build's working directory; the sources stay
 * client/src (sourceRoot '../src') and everything else is the app's own config (client/config/index.ts),
 * so what the tests render is built exactly like the pages. The component list is given on the command
 * line (`--components components/member-code,components/coupon-card`, see NATIVE_COMPONENTS in
 * scripts/builds.ts), which Taro puts into the app config for this build only (client/src/app.config.ts
 * stays untouched).
 */
import path from 'node:path'
import { createSwcRegister } from '@tarojs/helper'

const appConfigDir = path.resolve(__dirname, '..', '..', 'config')
// Taro compiles only <cwd>/config/** on the fly: let it compile the app's config too
createSwcRegister({ only: [(file: string) => file.startsWith(appConfigDir) || file.startsWith(__dirname)] })
const appConfig = require('../../config/index').default

export default async (merge: (...configs: object[]) => object, env: unknown) => {
  const base = typeof appConfig === 'function' ? await appConfig(merge, env) : appConfig
  return merge({}, base, {
    sourceRoot: '../src',
    outputRoot: '../../dist/native-components',
  })
}

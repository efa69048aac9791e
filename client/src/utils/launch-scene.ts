import Taro from '@tarojs/taro'

/**
 * The scene of a 渠道码 (`wxacode.getUnlimited`) the app was opened with: the page's `scene` option,
 * else the launch options' (`Taro.getLaunchOptionsSync().query.scene`), URL-encoded as WeChat hands
 * it over. Sent as it is with member.login, which decodes it and ignores one that names no channel.
 * Kept until a sign-in succeeds (on H5 the page may first go to 本地登录 and come back without it).
 */
let pendingScene: string | null = null

const SCENE_MAX = 128

function fromLaunch(): unknown {
  try {
    return Taro.getLaunchOptionsSync?.()?.query?.scene
  } catch {
    return undefined
  }
}

export function launchScene(): string | null {
  const raw = Taro.getCurrentInstance?.()?.router?.params?.scene ?? fromLaunch()
  // only what the login contract accepts: a bad scene never keeps a member out
  if (typeof raw === 'string' && raw && raw.length <= SCENE_MAX) pendingScene = raw
  return pendingScene
}

/** After a successful sign-in: the scene has done its work (it counts only for a new member). */
export function clearLaunchScene(): void {
  pendingScene = null
}

import type { Result } from '../../../types/result'
import { fail, isResult, transportFail } from './errors'

/** H5 only: the local gateway on the same origin that serves the H5 app. */
export const GATEWAY = (process.env.TARO_APP_GATEWAY || '/gateway').replace(/\/+$/, '')

export interface DemoUser {
  openid: string
  nickname: string
}

export interface GatewaySession {
  token: string
  openid: string
}

/** fetch + JSON body → Result; HTTP errors with a `{ ok:false }` body pass through, others become INTERNAL. */
export async function gatewayFetch<T>(path: string, init?: RequestInit): Promise<{ status: number; result: Result<T> }> {
  let res: Response
  try {
    res = await fetch(`${GATEWAY}${path}`, init)
  } catch (err) {
    return { status: 0, result: transportFail(err, '无法连接本地网关，请确认模拟器已启动') }
  }
  let body: unknown
  try {
    body = await res.json()
  } catch {
    return { status: res.status, result: fail('INTERNAL', `本地网关返回了无法解析的响应（HTTP ${res.status}）`) }
  }
  if (isResult<T>(body)) return { status: res.status, result: body }
  return { status: res.status, result: fail('INTERNAL', `本地网关返回格式不正确（HTTP ${res.status}）`) }
}

/** Demo identities to sign in as. */
export async function listDemoUsers(): Promise<Result<DemoUser[]>> {
  return (await gatewayFetch<DemoUser[]>('/users')).result
}

/** A session for `openid`, or for a brand-new demo identity when no openid is given. */
export async function createSession(openid?: string): Promise<Result<GatewaySession>> {
  const { result } = await gatewayFetch<GatewaySession>('/session', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(openid ? { openid } : {}),
  })
  return result
}

import Taro from '@tarojs/taro'
import type { Result } from '../../../types/result'
import { fail } from './errors'
import { GATEWAY, gatewayFetch } from './gateway'
import { clearToken, getToken } from './session'

export const SIGN_IN_PAGE = '/pages/login/index'

export function initCloud(): void {}

export function needsSignIn(): boolean {
  return !getToken()
}

export function redirectToSignIn(): void {
  void Taro.reLaunch({ url: SIGN_IN_PAGE })
}

function signedOut(message = '登录已失效，请重新登录') {
  clearToken()
  redirectToSignIn()
  return fail('UNAUTHENTICATED', message)
}

export async function callFunction<T>(name: string, event: Record<string, unknown>): Promise<Result<T>> {
  const token = getToken()
  if (!token) return signedOut('请先登录')
  const { status, result } = await gatewayFetch<T>(`/functions/${encodeURIComponent(name)}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
    body: JSON.stringify(event),
  })
  if (status === 401) return signedOut()
  return result
}

export async function uploadFile(cloudPath: string, tempFilePath: string): Promise<string> {
  const token = getToken()
  if (!token) {
    signedOut('请先登录')
    throw new Error('请先登录')
  }
  const blob = await (await fetch(tempFilePath)).blob()
  const form = new FormData()
  form.append('cloudPath', cloudPath)
  form.append('file', blob, cloudPath.split('/').pop() || 'file')
  const { status, result } = await gatewayFetch<{ fileID: string }>('/upload', {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}` },
    body: form,
  })
  if (status === 401) {
    signedOut()
    throw new Error('登录已失效，请重新登录')
  }
  if (!result.ok) throw new Error(result.message || '上传失败')
  return result.data.fileID
}

export async function fileUrl(fileID: string): Promise<string> {
  return `${GATEWAY}/file?fileID=${encodeURIComponent(fileID)}`
}

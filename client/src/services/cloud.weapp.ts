import Taro from '@tarojs/taro'
import type { Result } from '../../../types/result'
import { fail, isResult, transportFail } from './errors'

let initialized = false

export function initCloud(): void {
  if (initialized) return
  if (!Taro.cloud) {
    console.error('当前微信基础库不支持云开发，请升级微信')
    return
  }
  const env = process.env.TARO_APP_CLOUD_ENV
  Taro.cloud.init(env ? { env, traceUser: true } : { traceUser: true })
  initialized = true
}

export async function callFunction<T>(name: string, event: Record<string, unknown>): Promise<Result<T>> {
  initCloud()
  try {
    const res = await Taro.cloud.callFunction({ name, data: event })
    if (isResult<T>(res.result)) return res.result
    return fail('INTERNAL', '云函数返回格式不正确')
  } catch (err) {
    return transportFail(err)
  }
}

export async function uploadFile(cloudPath: string, tempFilePath: string): Promise<string> {
  initCloud()
  const res = await Taro.cloud.uploadFile({ cloudPath, filePath: tempFilePath })
  if (!res.fileID) throw new Error('上传失败：没有返回文件 ID')
  return res.fileID
}

/** <Image> shows cloud:// file ids directly in the mini-program. */
export async function fileUrl(fileID: string): Promise<string> {
  return fileID
}

export function needsSignIn(): boolean {
  return false
}

export function redirectToSignIn(): void {}

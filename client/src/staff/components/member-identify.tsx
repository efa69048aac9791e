import { useState } from 'react'
import { Button, Input, Text, View } from '@tarojs/components'
import Taro from '@tarojs/taro'
import '../staff.css'

const CODE_RE = /^\d{18}$/
const MEMBER_NO_RE = /^\d{10}$/
const PHONE_RE = /^1[3-9]\d{9}$/

/** How the staff named the member: a member code (scanned or typed), a member number, or a phone number. */
export type MemberLookup = { code: string } | { memberNo: string } | { phone: string }

export type ScanOutcome = { ok: true; text: string } | { ok: false; cancelled: boolean; message: string }

/**
 * weapp only: the camera, QR codes. (H5's scanCode is a stub that may "succeed" without scanning:
 * callers do not offer it there.)
 */
export async function scanQrCode(): Promise<ScanOutcome> {
  try {
    const res = await Taro.scanCode({ onlyFromCamera: true, scanType: ['qrCode'] })
    return { ok: true, text: (res.result ?? '').trim() }
  } catch (err) {
    const msg = typeof err === 'object' && err && 'errMsg' in err ? String((err as { errMsg: unknown }).errMsg) : ''
    return { ok: false, cancelled: /cancel/i.test(msg), message: msg }
  }
}

interface Props {
  /** element ids: `<idPrefix>-scan`, `-code-input`, `-code-submit`, `-phone-input`, `-phone-submit`, `-busy` */
  idPrefix: string
  busy: boolean
  /** the code field also takes a 10-digit member number */
  acceptMemberNo?: boolean
  /** a well-formed code, member number or phone number: the page looks the member up */
  onLookup: (lookup: MemberLookup) => void
  /** a message for the page to show ('' clears it) */
  onError: (message: string) => void
}

/** 识别会员: scan the member code (weapp), type it (or a member number), or find the member by phone. */
export default function MemberIdentify({ idPrefix, busy, acceptMemberNo = false, onLookup, onError }: Props) {
  const isH5 = process.env.TARO_ENV === 'h5'
  const [code, setCode] = useState('')
  const [phone, setPhone] = useState('')

  const submitCode = (raw: string, scanned = false) => {
    const value = raw.replace(/\s+/g, '')
    if (CODE_RE.test(value)) {
      onLookup({ code: value })
    } else if (acceptMemberNo && !scanned && MEMBER_NO_RE.test(value)) {
      onLookup({ memberNo: value })
    } else {
      onError(acceptMemberNo && !scanned ? '请输入 18 位会员码或 10 位会员号' : '会员码为 18 位数字，请核对')
    }
  }

  const submitPhone = () => {
    const value = phone.trim()
    if (!PHONE_RE.test(value)) {
      onError('请输入 11 位手机号')
      return
    }
    onLookup({ phone: value })
  }

  const scan = async () => {
    if (busy) return
    onError('')
    const res = await scanQrCode()
    if (!res.ok) {
      if (!res.cancelled) onError(`扫码失败${res.message ? `（${res.message}）` : ''}，可手动输入会员码`)
      return
    }
    if (!res.text) {
      onError('没有识别到会员码，请重试')
      return
    }
    submitCode(res.text, true)
  }

  return (
    <View className='card'>
      <Text className='till-section-title'>识别会员</Text>
      {!isH5 ? (
        <Button id={`${idPrefix}-scan`} className='btn-primary' disabled={busy || undefined} onClick={() => void scan()}>
          扫描会员码
        </Button>
      ) : null}
      <View className='till-field'>
        <Input
          id={`${idPrefix}-code-input`}
          className='till-input'
          type={isH5 ? 'text' : 'number'}
          maxlength={24}
          placeholder={acceptMemberNo ? '输入 18 位会员码或 10 位会员号' : '输入 18 位会员码'}
          value={code}
          onInput={e => setCode(e.detail.value)}
          onConfirm={e => submitCode(String(e.detail.value ?? code))}
        />
        <Button id={`${idPrefix}-code-submit`} className='till-field-button' size='mini' disabled={busy || undefined} onClick={() => submitCode(code)}>
          确认
        </Button>
      </View>
      <View className='till-field'>
        <Input id={`${idPrefix}-phone-input`} className='till-input' type='number' maxlength={11} placeholder='按手机号查找' value={phone} onInput={e => setPhone(e.detail.value)} />
        <Button id={`${idPrefix}-phone-submit`} className='till-field-button' size='mini' disabled={busy || undefined} onClick={submitPhone}>
          查找
        </Button>
      </View>
      {busy ? (
        <Text id={`${idPrefix}-busy`} className='muted'>
          查询中…
        </Text>
      ) : null}
    </View>
  )
}

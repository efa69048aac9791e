import { useRef, useState } from 'react'
import { Button, Text, View } from '@tarojs/components'
import Taro from '@tarojs/taro'
import type { MemberOutputs } from '../../../../types/member'
import { redirectToSignIn } from '../../services/cloud'
import { failText } from '../../services/errors'
import { memberApi } from '../../services/member'
import { clearToken } from '../../services/session'
import { clearCodeKey } from '../../utils/code-key'
import { shanghaiDateTimeText } from '../../utils/format'
import { CONSENT_NEEDED_TEXT, PrivacyConsent, requirePrivacyConsent } from '../../components/privacy-consent'
import { ConsentCard } from './consent-card'
import './index.css'

type Export = MemberOutputs['exportMyData']

function exportFileName(exportedAt: string): string {
  return `member-data-${shanghaiDateTimeText(exportedAt).replace(/[^\d]/g, '') || Date.now()}.json`
}

/** H5: hands the JSON to the browser as a file download. */
function downloadJson(json: string, fileName: string): boolean {
  if (typeof document === 'undefined' || typeof URL === 'undefined' || typeof URL.createObjectURL !== 'function') return false
  const url = URL.createObjectURL(new Blob([json], { type: 'application/json' }))
  const a = document.createElement('a')
  a.href = url
  a.download = fileName
  a.style.display = 'none'
  document.body.appendChild(a)
  a.click()
  document.body.removeChild(a)
  setTimeout(() => URL.revokeObjectURL(url), 60_000)
  return true
}

/** 用户隐私保护指引 (consent, 撤回同意), 导出我的数据 (everything stored about me, as JSON) and 注销账号. */
export default function PrivacyPage() {
  const isH5 = process.env.TARO_ENV === 'h5'
  const [exported, setExported] = useState<{ data: Export; json: string } | null>(null)
  const [exporting, setExporting] = useState(false)
  const [deleting, setDeleting] = useState(false)
  const [error, setError] = useState('')
  const busy = useRef(false)

  const exportData = async () => {
    if (busy.current) return
    busy.current = true
    setExporting(true)
    setError('')
    try {
      const res = await memberApi.exportMyData()
      if (!res.ok) {
        setError(failText(res))
        return
      }
      const json = JSON.stringify(res.data, null, 2)
      setExported({ data: res.data, json })
      if (isH5) downloadJson(json, exportFileName(res.data.exportedAt))
    } catch (err) {
      setError(err instanceof Error ? err.message : '导出失败，请重试')
    } finally {
      busy.current = false
      setExporting(false)
    }
  }

  const copy = async () => {
    if (!exported) return
    setError('')
    // the clipboard is a privacy API: ask first when the member's consent is missing or out of date
    if (!(await requirePrivacyConsent())) {
      setError(CONSENT_NEEDED_TEXT)
      return
    }
    try {
      await Taro.setClipboardData({ data: exported.json })
    } catch {
      setError('复制失败，请重试')
    }
  }

  const deleteAccount = async () => {
    if (busy.current) return
    const answer = await Taro.showModal({
      title: '注销账号',
      content: '注销后你的昵称、头像、手机号、生日等个人资料将被删除，积分清零且不可恢复。确定注销吗？',
      confirmText: '确认注销',
      confirmColor: '#d93026',
      cancelText: '再想想',
    })
    if (!answer.confirm) return
    busy.current = true
    setDeleting(true)
    setError('')
    try {
      const res = await memberApi.deleteMyAccount()
      if (!res.ok) {
        setError(failText(res))
        return
      }
      clearCodeKey()
      void Taro.showToast({ title: '账号已注销', icon: 'success' })
      if (isH5) {
        // the browser's demo identity: back to 本地登录
        clearToken()
        redirectToSignIn()
      } else {
        void Taro.reLaunch({ url: '/pages/index/index?deleted=1' })
      }
    } catch (err) {
      setError(err instanceof Error ? err.message : '注销失败，请重试')
    } finally {
      busy.current = false
      setDeleting(false)
    }
  }

  return (
    <View className='page'>
      <ConsentCard />

      <View className='card'>
        <Text className='privacy-title'>导出我的数据</Text>
        <Text className='muted privacy-desc'>包括个人资料、积分记录和消费记录，以 JSON 格式提供。</Text>
        <Button id='privacy-export' className='privacy-button' disabled={exporting || deleting || undefined} onClick={() => void exportData()}>
          {exporting ? '导出中…' : '导出我的数据'}
        </Button>
        {exported ? (
          <View id='privacy-export-summary' className='privacy-summary'>
            <Text className='privacy-summary-line'>导出时间：{shanghaiDateTimeText(exported.data.exportedAt)}</Text>
            <Text className='privacy-summary-line'>会员号：{exported.data.member.memberNo}</Text>
            <Text className='privacy-summary-line'>
              积分记录 {exported.data.ledger.length} 条，消费记录 {exported.data.purchases.length} 条
            </Text>
            {isH5 ? (
              <Text className='muted privacy-summary-line'>已下载文件 {exportFileName(exported.data.exportedAt)}</Text>
            ) : (
              <Button id='privacy-copy' className='privacy-button' size='mini' onClick={() => void copy()}>
                复制 JSON 到剪贴板
              </Button>
            )}
          </View>
        ) : null}
      </View>

      <View className='card'>
        <Text className='privacy-title'>注销账号</Text>
        <Text className='muted privacy-desc'>删除你的个人资料。为保证门店账目准确，匿名化的积分与消费流水会保留。</Text>
        <Button id='privacy-delete' className='privacy-delete' disabled={deleting || exporting || undefined} onClick={() => void deleteAccount()}>
          {deleting ? '注销中…' : '注销账号'}
        </Button>
      </View>

      {error ? (
        <View id='privacy-error' className='error-text privacy-error'>
          {error}
        </View>
      ) : null}

      <PrivacyConsent />
    </View>
  )
}

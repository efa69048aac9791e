import { useEffect, useRef, useState } from 'react'
import { Button, Text, View } from '@tarojs/components'
import Taro from '@tarojs/taro'
import { PRIVACY_POLICY_URL, loadPrivacyGuide, useConsentSnapshot } from '../../components/privacy-consent'
import { consentStore } from '../../components/privacy-consent.store'
import { failText } from '../../services/errors'
import { memberApi } from '../../services/member'
import { shanghaiDateTimeText } from '../../utils/format'

/** 用户隐私保护指引: what the member agreed to and when, the guide, and 撤回同意. */
export function ConsentCard() {
  const { guide } = useConsentSnapshot()
  const [loadError, setLoadError] = useState('')
  const [withdrawing, setWithdrawing] = useState(false)
  const [error, setError] = useState('')
  const busy = useRef(false)

  const load = async () => {
    setLoadError('')
    const res = await loadPrivacyGuide()
    if (!res.ok) setLoadError(failText(res))
  }
  useEffect(() => {
    void load()
  }, [])

  const withdraw = async () => {
    if (busy.current || !guide) return
    const answer = await Taro.showModal({
      title: '撤回同意',
      content: '撤回后，使用头像、手机号、剪贴板等功能前需要重新同意《用户隐私保护指引》。撤回不影响此前已进行的处理。确定撤回吗？',
      confirmText: '撤回',
      cancelText: '取消',
    })
    if (!answer.confirm) return
    busy.current = true
    setWithdrawing(true)
    setError('')
    try {
      const res = await memberApi.withdrawPrivacy()
      if (!res.ok) {
        setError(failText(res))
        return
      }
      consentStore.setGuide({ ...guide, consent: null, withdrawnAt: res.data.withdrawnAt, upToDate: false })
      void Taro.showToast({ title: '已撤回同意', icon: 'success' })
    } catch (err) {
      setError(err instanceof Error ? err.message : '撤回失败，请重试')
    } finally {
      busy.current = false
      setWithdrawing(false)
    }
  }

  const openGuide = () => void Taro.navigateTo({ url: PRIVACY_POLICY_URL })

  let status: string
  if (!guide) status = loadError ? `同意记录暂时无法读取：${loadError}` : '加载中…'
  else if (guide.consent && guide.upToDate) status = `已同意 ${guide.consent.version} 版（${shanghaiDateTimeText(guide.consent.agreedAt)}）`
  else if (guide.consent) status = `你同意的是 ${guide.consent.version} 版；指引已更新为 ${guide.policy.version} 版，使用相关功能前会请你重新同意`
  else if (guide.withdrawnAt) status = `已于 ${shanghaiDateTimeText(guide.withdrawnAt)} 撤回同意；使用相关功能前会再次征求你的同意`
  else status = '尚未同意；使用头像、手机号、剪贴板等功能前会先请你同意'

  return (
    <View id='privacy-consent-card' className='card'>
      <Text className='privacy-title'>用户隐私保护指引</Text>
      <Text id='privacy-consent-status' className='muted privacy-desc'>
        {status}
      </Text>
      <View className='privacy-card-actions'>
        <Button id='privacy-policy-link' className='privacy-button' size='mini' onClick={openGuide}>
          查看指引
        </Button>
        {loadError && !guide ? (
          <Button id='privacy-consent-retry' className='privacy-button' size='mini' onClick={() => void load()}>
            重试
          </Button>
        ) : null}
        {guide?.consent ? (
          <Button id='privacy-withdraw' className='privacy-button privacy-delete' size='mini' disabled={withdrawing || undefined} onClick={() => void withdraw()}>
            {withdrawing ? '撤回中…' : '撤回同意'}
          </Button>
        ) : null}
      </View>
      {error ? (
        <Text id='privacy-consent-card-error' className='error-text privacy-card-error'>
          {error}
        </Text>
      ) : null}
    </View>
  )
}

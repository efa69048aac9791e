import { Button, View } from '@tarojs/components'
import Taro from '@tarojs/taro'
import { till } from '../till'
import '../staff.css'

export function backToScan() {
  if (Taro.getCurrentPages().length > 1) {
    Taro.navigateBack().catch(() => Taro.redirectTo({ url: '/staff/scan/index' }))
  } else {
    void Taro.redirectTo({ url: '/staff/scan/index' })
  }
}

interface Props {
  error: string
  /** the member code needs scanning again: 重新扫码 instead of submitting */
  rescan: boolean
  submitting: boolean
  /** a submission whose outcome is unknown: the button retries it */
  pending: boolean
  onSubmit: () => void
}

/** The error of the last try, and 确认录入 (重试提交 / 重新扫码) and 返回. */
export default function PurchaseActions({ error, rescan, submitting, pending, onSubmit }: Props) {
  return (
    <>
      {error ? (
        <View id='purchase-error' className='error-text till-error'>
          {error}
        </View>
      ) : null}

      <View className='till-actions'>
        {rescan ? (
          <Button
            id='purchase-rescan'
            className='btn-primary'
            onClick={() => {
              till.clear()
              backToScan()
            }}
          >
            重新扫码
          </Button>
        ) : (
          <Button id='purchase-submit' className='btn-primary' disabled={submitting || undefined} onClick={onSubmit}>
            {submitting ? '提交中…' : pending ? '重试提交' : '确认录入'}
          </Button>
        )}
        <Button id='purchase-cancel' className='till-secondary' disabled={submitting || undefined} onClick={backToScan}>
          返回
        </Button>
      </View>
    </>
  )
}

/** How a care task's state reads, on the staff's 关怀任务 page and in the console's member 360. */
import type { CareStatus, TemplateStatus } from '../../../types/care-tasks'

export const CARE_STATUS_TEXT: Record<CareStatus, string> = { open: '待发送', sent: '已发送', replied: '已回复', skipped: '已跳过', closed: '已关闭' }

export const CARE_TEMPLATE_TEXT: Partial<Record<TemplateStatus, string>> = {
  queued: '企业微信群发待生成（免打扰时段后）',
  sending: '企业微信群发生成中',
  created: '已生成企业微信群发，请在企业微信确认发送',
  failed: '企业微信群发未生成，请复制话术手动发送',
}

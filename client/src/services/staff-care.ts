import type { CareOutputs } from '../../../types/care-tasks'
import type { Result } from '../../../types/result'
import { callFunction } from './cloud'

type Out<K extends keyof CareOutputs> = Promise<Result<CareOutputs[K]>>

/** 关怀任务 (types/care-tasks.ts): the `staff` function's care actions. */
export const staffCareApi = {
  /** the caller's tasks and their store's unassigned ones: todo = 待跟进 (open, sent), done = 已完成 (replied, skipped) */
  myCareTasks(status: 'todo' | 'done', limit = 50): Out<'myCareTasks'> {
    return callFunction('staff', { action: 'myCareTasks', status, limit })
  },
  /** 已发送 / 已回复 / 跳过; a pool task becomes the caller's */
  markCareTask(taskId: string, mark: 'sent' | 'replied' | 'skipped'): Out<'markCareTask'> {
    return callFunction('staff', { action: 'markCareTask', taskId, mark })
  },
}

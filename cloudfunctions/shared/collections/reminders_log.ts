/** `reminders_log/<dedupeKey>`: every subscribe message planned and sent (the insert is the lock). */
import type { ReminderLogDoc } from '../../../types/reminders'
import { collectionHandle } from '../collection'

export type { ReminderLogDoc }

export const remindersLog = collectionHandle<ReminderLogDoc>('reminders_log')

/** `managers/<openid>`: store managers (店长), who see their own store in the console. */
import type { ManagerDoc } from '../../../types/console'
import { collectionHandle } from '../collection'

export type { ManagerDoc }

export const managers = collectionHandle<ManagerDoc>('managers')

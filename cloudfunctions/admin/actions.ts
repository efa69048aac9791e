import type { AdminEvent, AdminOutputs } from '../../types/admin'
import type { Actions } from '../shared/handler'

/** The admin function's handlers, their answers checked against the contracts in types/. */
export type AdminActions = Actions<AdminEvent, AdminOutputs>

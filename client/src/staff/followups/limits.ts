/** How many follow-ups one `staff.followUps` call lists (the contract's maximum): the badge shows 99+ at this many. */
export const FOLLOW_UP_LIMIT = 100

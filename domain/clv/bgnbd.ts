/**
 * BG/NBD model (Fader, Hardie & Lee 2005, "Counting Your Customers the Easy Way"): while alive a
 * customer buys as a Poisson process with rate λ ~ Gamma(r, α); after each purchase they drop out
 * with probability p ~ Beta(a, b). Time is in whatever period the caller chose (CDNOW: weeks).
 */
import { hyp2f1, logBeta, logGamma, logSumExp, minimizePositive, type MinimizeOptions } from './optimize'

// local bindings: reaching the global Math is ~10× slower inside vm contexts such as jest's (nodejs/node#49283)
const { exp, log, pow } = Math

export interface BgNbdParams {
  r: number
  alpha: number
  a: number
  b: number
}

export interface BgNbdFit extends BgNbdParams {
  logLikelihood: number
}

/** Calibration summary: x repeat purchases, the last at t_x, observed for T periods since the first. */
export interface RfmCustomer {
  x: number
  tx: number
  T: number
  /** How many customers share this (x, t_x, T); 1 when omitted. */
  weight?: number
}

/** Log-likelihood of one customer's (x, t_x, T), equation (6) of the paper taken in logs. */
export function bgNbdLogLikelihood(params: BgNbdParams, customer: RfmCustomer): number {
  const { r, alpha, a, b } = params
  const { x, tx, T } = customer
  const common = logGamma(r + x) - logGamma(r) + r * log(alpha) + logBeta(a, b + x) - logBeta(a, b)
  const stillAlive = -(r + x) * log(alpha + T)
  if (x === 0) return common + stillAlive
  // B(a+1, b+x−1) / B(a, b+x) = a / (b+x−1): dropped out right after the last purchase
  const diedAtLast = log(a) - log(b + x - 1) - (r + x) * log(alpha + tx)
  return common + logSumExp(stillAlive, diedAtLast)
}

/** Sum over customers (weights honoured). */
export function bgNbdTotalLogLikelihood(params: BgNbdParams, customers: RfmCustomer[]): number {
  let total = 0
  for (const c of customers) total += (c.weight ?? 1) * bgNbdLogLikelihood(params, c)
  return total
}

/** Collapses customers with identical (x, t_x, T) into one weighted row: CDNOW has far fewer distinct rows. */
export function groupCustomers(customers: RfmCustomer[]): RfmCustomer[] {
  const groups = new Map<string, RfmCustomer>()
  for (const c of customers) {
    const key = `${c.x}|${c.tx}|${c.T}`
    const g = groups.get(key)
    if (g) g.weight = (g.weight ?? 1) + (c.weight ?? 1)
    else groups.set(key, { x: c.x, tx: c.tx, T: c.T, weight: c.weight ?? 1 })
  }
  return [...groups.values()]
}

/** Maximum-likelihood fit; starts from all ones like `lifetimes`, restarts until the optimum holds. */
export function fitBgNbd(customers: RfmCustomer[], options: MinimizeOptions = {}): BgNbdFit {
  if (customers.length === 0) throw new Error('fitBgNbd: no customers')
  const grouped = groupCustomers(customers)
  const negLL = ([r, alpha, a, b]: number[]) => -bgNbdTotalLogLikelihood({ r, alpha, a, b }, grouped)
  const { x } = minimizePositive(negLL, [1, 1, 1, 1], options)
  const [r, alpha, a, b] = x
  return { r, alpha, a, b, logLikelihood: -negLL(x) }
}

/** E[X(t)]: expected purchases in (0, t] of a customer who has just made their first purchase. */
export function expectedPurchases(params: BgNbdParams, t: number): number {
  const { r, alpha, a, b } = params
  if (t <= 0) return 0
  const z = t / (alpha + t)
  return ((a + b - 1) / (a - 1)) * (1 - pow(alpha / (alpha + t), r) * hyp2f1(r, b, a + b - 1, z))
}

/** P(alive | x, t_x, T); always 1 with no repeat purchase, since the model only lets people drop out after buying. */
export function probabilityAlive(params: BgNbdParams, customer: RfmCustomer): number {
  return 1 / deadOdds(params, customer)
}

/** 1 + a/(b+x−1)·((α+T)/(α+t_x))^(r+x) for x > 0, else 1: the denominator shared by P(alive) and E[Y]. */
function deadOdds({ r, alpha, a, b }: BgNbdParams, { x, tx, T }: RfmCustomer): number {
  if (x === 0) return 1
  return 1 + (a / (b + x - 1)) * exp((r + x) * log((alpha + T) / (alpha + tx)))
}

/**
 * P(no purchase in the next t periods | x, t_x, T) = 1 − P(alive) + P(alive)·((α+T)/(α+T+t))^(r+x):
 * gone, or alive with λ ~ Gamma(r+x, α+T) and no Poisson event in t (dropping out needs a purchase).
 * Unlike P(alive), it lets a one-time buyer's long silence count against them.
 */
export function probabilityNoPurchase(params: BgNbdParams, t: number, customer: RfmCustomer): number {
  const alive = probabilityAlive(params, customer)
  const { r, alpha } = params
  const { x, T } = customer
  return 1 - alive + alive * exp((r + x) * log((alpha + T) / (alpha + T + t)))
}

/** E[Y(t) | x, t_x, T]: expected purchases in the next t periods after T (equation 10 of the paper). */
export function conditionalExpectedPurchases(params: BgNbdParams, t: number, customer: RfmCustomer): number {
  const { r, alpha, a, b } = params
  const { x, T } = customer
  if (t <= 0) return 0
  const z = t / (alpha + T + t)
  const decay = exp((r + x) * log((alpha + T) / (alpha + T + t)))
  const numerator = ((a + b + x - 1) / (a - 1)) * (1 - decay * hyp2f1(r + x, b + x, a + b + x - 1, z))
  return numerator / deadOdds(params, customer)
}

/**
 * Gamma-Gamma model of spend per transaction (Fader & Hardie 2013, "The Gamma-Gamma Model of
 * Monetary Value"): each spend ~ Gamma(p, ν), ν ~ Gamma(q, γ) across customers, independent of the
 * purchase process. Fitted on repeat buyers only, since zbar is the mean of repeat purchases.
 */
import { conditionalExpectedPurchases, type BgNbdParams, type RfmCustomer } from './bgnbd'
import { logGamma, minimizePositive, type MinimizeOptions } from './optimize'

// local bindings: reaching the global Math is ~10× slower inside vm contexts such as jest's (nodejs/node#49283)
const { log, pow } = Math

export interface GammaGammaParams {
  p: number
  q: number
  gamma: number
}

export interface GammaGammaFit extends GammaGammaParams {
  logLikelihood: number
}

/** x repeat purchases with mean value zbar (x > 0 for the likelihood). */
export interface SpendCustomer {
  x: number
  zbar: number
}

/**
 * ln f(zbar | p, q, γ; x): the density of the mean of x Gamma(p, ν) spends, ν integrated out,
 *   Γ(px+q) / (Γ(px) Γ(q)) · γ^q · zbar^(px−1) · x^(px) / (γ + x·zbar)^(px+q).
 */
export function gammaGammaLogLikelihood({ p, q, gamma }: GammaGammaParams, { x, zbar }: SpendCustomer): number {
  const px = p * x
  return logGamma(px + q) - logGamma(px) - logGamma(q) + q * log(gamma) + (px - 1) * log(zbar) + px * log(x) - (px + q) * log(gamma + x * zbar)
}

export function gammaGammaTotalLogLikelihood(params: GammaGammaParams, customers: SpendCustomer[]): number {
  let total = 0
  for (const c of customers) total += gammaGammaLogLikelihood(params, c)
  return total
}

/** Maximum-likelihood fit on the customers with x > 0 and a positive zbar (others carry no spend information). */
export function fitGammaGamma(customers: SpendCustomer[], options: MinimizeOptions = {}): GammaGammaFit {
  const repeat = customers.filter(c => c.x > 0 && c.zbar > 0)
  if (repeat.length === 0) throw new Error('fitGammaGamma: no customer with repeat purchases')
  const negLL = ([p, q, gamma]: number[]) => -gammaGammaTotalLogLikelihood({ p, q, gamma }, repeat)
  const { x } = minimizePositive(negLL, [1, 1, 1], options)
  const [p, q, gamma] = x
  return { p, q, gamma, logLikelihood: -negLL(x) }
}

/**
 * E[Z | x, zbar] = (q−1)/(px+q−1) · pγ/(q−1) + px/(px+q−1) · zbar: a weighted mean of the
 * population mean pγ/(q−1) and the customer's own mean. Needs q > 1 (otherwise the population mean is infinite).
 */
export function expectedAverageSpend({ p, q, gamma }: GammaGammaParams, { x, zbar }: SpendCustomer): number {
  if (x === 0) return (p * gamma) / (q - 1)
  return (p * (gamma + x * zbar)) / (p * x + q - 1)
}

export interface ClvOptions {
  /** Number of discounting steps, e.g. 12 for a year in months. */
  horizonPeriods: number
  /** Length of one step in the model's time unit, e.g. 52/12 weeks for a month when the model is in weeks. */
  periodLength?: number
  /** Discount rate per step, e.g. 0.01 per month. */
  discountRatePerPeriod?: number
}

/**
 * Discounted expected revenue over the horizon, the way `lifetimes` does it:
 *   Σ_{i=1..H} E[spend] · (E[Y(i·L)] − E[Y((i−1)·L)]) / (1 + d)^i,
 * i.e. purchases expected in step i, all valued at the end of that step. E[Y] is the conditional
 * BG/NBD expectation, so the customer's history (and chance of being gone) is taken into account.
 */
export function customerLifetimeValue(bg: BgNbdParams, gg: GammaGammaParams, customer: RfmCustomer & SpendCustomer, options: ClvOptions): number {
  const { horizonPeriods, periodLength = 1, discountRatePerPeriod = 0 } = options
  const spend = expectedAverageSpend(gg, customer)
  let value = 0
  let before = 0
  for (let i = 1; i <= horizonPeriods; i++) {
    const upTo = conditionalExpectedPurchases(bg, i * periodLength, customer)
    value += (spend * (upTo - before)) / pow(1 + discountRatePerPeriod, i)
    before = upTo
  }
  return value
}

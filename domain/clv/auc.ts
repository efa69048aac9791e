/**
 * Area under the ROC curve of `scores` for predicting `labels` (true = positive), computed as the
 * Mann–Whitney U statistic: the probability that a random positive outscores a random negative,
 * counting ties as one half. Tied scores get their mid-rank, so a constant score gives exactly 0.5.
 */
export function auc(scores: number[], labels: boolean[]): number {
  if (scores.length !== labels.length) throw new Error('auc: scores and labels differ in length')
  if (scores.some(s => Number.isNaN(s))) throw new Error('auc: NaN score')
  const order = scores.map((_, i) => i).sort((i, j) => scores[i] - scores[j])
  let positives = 0
  let positiveRankSum = 0
  for (let start = 0; start < order.length;) {
    let end = start
    while (end + 1 < order.length && scores[order[end + 1]] === scores[order[start]]) end++
    // ranks are 1-based: the tie block [start, end] shares the mean of ranks start+1 … end+1
    const midRank = (start + end) / 2 + 1
    for (let k = start; k <= end; k++) {
      if (labels[order[k]]) {
        positives++
        positiveRankSum += midRank
      }
    }
    start = end + 1
  }
  const negatives = scores.length - positives
  // undefined without both classes: say so rather than return a misleading number
  if (positives === 0 || negatives === 0) return NaN
  return (positiveRankSum - (positives * (positives + 1)) / 2) / (positives * negatives)
}

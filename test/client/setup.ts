import '@testing-library/jest-dom'
import { resetTaro } from './doubles/taro'

beforeEach(() => {
  resetTaro()
})

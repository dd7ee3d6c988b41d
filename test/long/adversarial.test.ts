import { AdversarialResult, checkAdversarial } from '../../bench/adversarial-bench';

// No timed assertion: only the ratio check's verdict on given figures (the figures come from `npm run bench`).
test('the adversarial ratio check flags quadratic growth (16x from n to 4n) and passes linear (4x)', () => {
  const r = (name: string, ratio: number): AdversarialResult => ({ name, n: 1000, msAtN: 10, msAt4N: 10 * ratio, ratio });
  expect(checkAdversarial([r('linear', 4.2), r('n log n', 5.1)])).toEqual([]);
  expect(checkAdversarial([r('linear', 4), r('quadratic', 16)])).toEqual(['quadratic: 16.0x from n=1000 to 4n (linear is ~4x)']);
});

import { isWaypointClass } from '../../src/zero-trust/waypoint-model';

describe('waypoint classes', () => {
  test('only the classes istiod deploys with the waypoint template; prototype member names are none', () => {
    expect(isWaypointClass('istio-waypoint')).toBe(true);
    expect(isWaypointClass('istio-east-west')).toBe(true);
    for (const c of ['istio', 'constructor', 'toString', '__proto__', 'hasOwnProperty', '']) {
      expect(isWaypointClass(c)).toBe(false);
    }
    expect(isWaypointClass(5 as any)).toBe(false);
  });
});

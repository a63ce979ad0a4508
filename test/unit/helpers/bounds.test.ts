// The timing bounds' formulas (test/helpers/bounds.ts) worked by hand: Skew_Time and
// Master_Down_Interval of VRRPv2 (advert_int 1 s) and VRRPv3 (centiseconds), keepalived's
// down_timer_adverts, and the assertion's message.
import { strict as assert } from 'node:assert';
import { around, assertWithin, atLeast, masterDownMs, skewTimeMs, upTo } from '../../helpers/bounds.js';

describe('test helpers: timing bounds from RFC 3768 / 5798 formulas', () => {
  it('Skew_Time = (256 - Priority) * Adver_Int / 256', () => {
    assert.equal(skewTimeMs(100), 609.375);
    assert.equal(skewTimeMs(255), 1000 / 256);
    assert.equal(skewTimeMs(200, 100), 21.875);     // v3: advert_int 0.1 s = 10 centiseconds
  });
  it('Master_Down_Interval = 3 * Adver_Int + Skew_Time; down_timer_adverts N replaces the 3', () => {
    assert.equal(masterDownMs(100), 3609.375);
    assert.equal(masterDownMs(100, 1000, 1), 1609.375);
    assert.equal(masterDownMs(150, 2000), 6000 + (106 * 2000) / 256);
  });
  it('around / upTo / atLeast bound a value; assertWithin names the value and the formula when outside', () => {
    const b = around(skewTimeMs(100), 20, 100, 'Skew_Time(100)');
    assertWithin(589.375, b, 'x');
    assertWithin(709.375, b, 'x');
    assert.throws(() => assertWithin(710, b, 'takeover'), /takeover: 710\.0 ms, outside \[589\.4, 709\.4\] from Skew_Time\(100\) = 609\.4 ms \(-20\/\+100\)/);
    assert.throws(() => assertWithin(589, b, 'takeover'));
    assertWithin(-5, upTo(0, 300, 'now'), 'x');
    assert.throws(() => assertWithin(301, upTo(0, 300, 'now'), 'x'));
    assertWithin(1e9, atLeast(1000, 20, 'delay'), 'x');
    assert.throws(() => assertWithin(979, atLeast(1000, 20, 'delay'), 'x'));
  });
});

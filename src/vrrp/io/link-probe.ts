// linkbeat's probes through the native addon (native/src/linkbeat.cc): MII registers, ETHTOOL_GLINK,
// SIOCGIFFLAGS on an interface by name, as keepalived 2.2.7 polls them.
import { check, isNativeError, loadKanet, type NativeError } from './native.js';

const KIND = { MII: 0, ETHTOOL: 1, FLAGS: 2 } as const;

/** MII / ETHTOOL: 0 or 1; FLAGS: the interface flags; an error value when the ioctl fails. */
export function linkProbe(ifname: string, kind: keyof typeof KIND): number | NativeError {
  const k = loadKanet();
  if (isNativeError(k)) return k;
  const r = k.linkProbe(ifname, KIND[kind]);
  return check(k, r, `${kind} probe of ${ifname}`) ?? r;
}
